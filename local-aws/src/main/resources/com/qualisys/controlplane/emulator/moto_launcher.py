"""Runs moto's server (the same arguments as moto_server) with three costs paid once instead of over and over.

Profiled on the crash loops (py-spy), a third of moto's CPU went to work whose answer never changes while the
server runs:
- every request lists moto's package folder to ask whether the Host header names a service;
- every request lists the response class's methods (inspect.getmembers) to find the action's handler;
- every account an API call first reaches parses the 1,582 AWS managed IAM policies from JSON and serialises
  each document back to JSON (MOTO_IAM_LOAD_MANAGED_POLICIES; the crash loops take a fresh account per step).
Each answer is now computed once. What moto returns is unchanged: the policies are still built per account, from
the same data. The request log (one INFO line a request) is off; warnings and errors still reach the log.
"""
import functools
import json
import logging
import sys
from datetime import datetime

import moto.backends as backends
import moto.core.responses as responses
import moto.iam.models as iam_models
from moto.server import main

_service_folders = frozenset(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _service_folders

_uncached_method_names = responses.method_names_from_class


@functools.cache
def _method_names(clazz):
    return frozenset(_uncached_method_names(clazz))


responses.method_names_from_class = _method_names


@functools.cache
def _aws_managed_policy_fields():
    fields = []
    for name, data in json.loads(iam_models.aws_managed_policies_data).items():
        fields.append((name, data.get("DefaultVersionId"), data.get("Path"), json.dumps(data.get("Document")),
                       datetime.fromisoformat(data["CreateDate"]), datetime.fromisoformat(data["UpdateDate"])))
    return tuple(fields)


def _init_aws_policies(backend):
    """As IAMBackend._init_aws_policies (AWSManagedPolicy.from_data per policy), from data parsed once."""
    if not iam_models.load_iam_aws_managed_policies():
        return []
    return [iam_models.AWSManagedPolicy(name, account_id=backend.account_id, region=backend.region_name,
                                        default_version_id=version, path=path, document=document,
                                        create_date=created, update_date=updated)
            for name, version, path, document, created, updated in _aws_managed_policy_fields()]


iam_models.IAMBackend._init_aws_policies = _init_aws_policies
logging.getLogger("werkzeug").setLevel(logging.WARNING)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
