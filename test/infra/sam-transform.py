"""Prints the CloudFormation that AWS's SAM transform (aws-sam-translator) makes of a SAM
template: `python3 sam-transform.py TEMPLATE CODE_URI [Name=Value ...]`.

CodeUri is replaced by CODE_URI (an s3:// URI), as `sam deploy` does after uploading the
code. The region is AWS_DEFAULT_REGION, us-east-1 when unset. No AWS call is made: the template names no managed policies, so the loader of their
ARNs is never asked for one.
"""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


def main() -> None:
    template_path, code_uri, *overrides = sys.argv[1:]
    with open(template_path, encoding="utf-8") as handle:
        template = yaml_parse(handle.read())
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri
    # The transform names the region in ARNs it writes; a deploy takes it from the session.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    parameters = dict(override.split("=", 1) for override in overrides)
    output = transform(template, parameters, NoManagedPolicies())
    json.dump(output, sys.stdout, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
