#!/bin/sh
# The outside tools `npm test` runs for real: the clients (synadm, the Prometheus blackbox
# exporter and promtool, Chromium) from Debian's packages, and AWS's emulator, CLI, linter
# and SAM transform from PyPI; and the benchmark's reference packages. Tests never skip, so
# whatever is missing is first named, one line each with what provides it and why it is
# needed, then installed when this machine can (Debian as root; pip; npm). With
# TEST_TOOLS_INSTALL=no nothing is installed: it stops, naming what to install instead.
set -eu
cd "$(dirname "$0")/.."

case "${TEST_TOOLS_INSTALL:-yes}" in
  yes) install=yes ;;
  no) install=no ;;
  *)
    echo "error: TEST_TOOLS_INSTALL must be yes or no (unset: yes): \"$TEST_TOOLS_INSTALL\"" >&2
    exit 2
    ;;
esac

missing=0 missing_debian="" missing_pip="" missing_bench=""

# note <what is missing> <what provides it> <why the tests need it>
note() {
  missing=$((missing + 1))
  echo "missing: $1 ($2): $3"
}

debian() { # <command> <package> <why>
  command -v "$1" >/dev/null 2>&1 && return 0
  note "$1" "Debian package $2" "$3"
  missing_debian="$missing_debian $2"
}
pypi() { # <command> <package> <why>
  command -v "$1" >/dev/null 2>&1 && return 0
  note "$1" "PyPI package $2" "$3"
  missing_pip="$missing_pip $2"
}

debian synadm synadm "the Synapse admin CLI, run against npm start (test/clients)"
debian prometheus-blackbox-exporter prometheus-blackbox-exporter \
  "probes npm start with monitoring/blackbox.yml (test/clients, test/monitoring)"
debian promtool prometheus "checks monitoring/prometheus.yml and unit-tests alerts.yml (test/monitoring)"
debian chromium chromium "the browser of npm run test:browser (test/browser)"
pypi moto_server "moto[server]" "the AWS emulator standing in for SSM in the locked-mode tests"
pypi aws awscli "puts access policies into moto_server, as the docs' commands do"
pypi cfn-lint cfn-lint "lints infra/template.yaml and what osls package writes (test/infra)"
if ! python3 -c 'import samtranslator' 2>/dev/null; then
  note "python3's samtranslator" "PyPI package aws-sam-translator" \
    "AWS's SAM transform, turning infra/template.yaml into CloudFormation (test/infra)"
  missing_pip="$missing_pip aws-sam-translator"
fi
# bench/references/ is type-checked with the rest of the code, against its own packages
# (bench/package.json: the alternatives the benchmark measures, not the product's
# dependencies), installed as `npm run bench` installs them.
if [ ! -d bench/node_modules ]; then
  note "bench/node_modules" "npm ci --prefix bench" "tsc checks bench/references/ against bench/package.json"
  missing_bench=yes
fi

[ "$missing" -eq 0 ] && exit 0

if [ "$install" = no ]; then
  [ -n "$missing_debian" ] && echo "install with: apt-get install$missing_debian"
  [ -n "$missing_pip" ] && echo "install with: python3 -m pip install$missing_pip"
  [ -n "$missing_bench" ] && echo "install with: npm ci --prefix bench"
  echo "npm test stops: $missing missing, and TEST_TOOLS_INSTALL=no installs nothing" >&2
  exit 1
fi

if [ -n "$missing_debian" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: apt-get install$missing_debian (TEST_TOOLS_INSTALL=no to stop instead)"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_debian >/dev/null
  else
    echo "npm test needs these Debian packages:$missing_debian (apt-get install$missing_debian, as root)" >&2
    exit 1
  fi
fi

if [ -n "$missing_pip" ]; then
  echo "installing: python3 -m pip install$missing_pip (TEST_TOOLS_INSTALL=no to stop instead)"
  # shellcheck disable=SC2086
  if ! python3 -m pip install -q $missing_pip; then
    echo "npm test needs:$missing_pip (python3 -m pip install$missing_pip)" >&2
    exit 1
  fi
fi

if [ -n "$missing_bench" ]; then
  echo "installing: npm ci --prefix bench (TEST_TOOLS_INSTALL=no to stop instead)"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi
