#!/bin/sh
# The outside tools `npm test` runs for real: the clients (synadm, the Prometheus blackbox
# exporter and promtool, Chromium) from Debian's packages, and AWS's emulator, CLI, linter
# and SAM transform from PyPI. Whatever is missing is installed when this machine can
# (Debian as root; pip); otherwise it stops, naming what to install. Tests never skip.
set -eu

missing_debian=""
for pair in synadm:synadm prometheus-blackbox-exporter:prometheus-blackbox-exporter \
  promtool:prometheus chromium:chromium; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing_debian="$missing_debian ${pair#*:}"
done

missing_pip=""
for pair in moto_server:moto[server] aws:awscli cfn-lint:cfn-lint; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing_pip="$missing_pip ${pair#*:}"
done
python3 -c 'import samtranslator' 2>/dev/null || missing_pip="$missing_pip aws-sam-translator"

if [ -n "$missing_debian" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing_debian"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_debian >/dev/null
  else
    echo "npm test needs these Debian packages:$missing_debian (apt-get install$missing_debian)" >&2
    exit 1
  fi
fi

if [ -n "$missing_pip" ]; then
  echo "installing from PyPI:$missing_pip"
  # shellcheck disable=SC2086
  if ! python3 -m pip install -q $missing_pip; then
    echo "npm test needs:$missing_pip (python3 -m pip install$missing_pip)" >&2
    exit 1
  fi
fi

# bench/references/ is type-checked with the rest of the code, against its own packages
# (bench/package.json: the alternatives the benchmark measures, not the product's
# dependencies), installed here when missing as `npm run bench` installs them.
if [ ! -d bench/node_modules ]; then
  echo "installing the benchmark's reference packages (bench/package.json)"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi
