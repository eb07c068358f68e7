"""Inputs: sources turned into the one resource model the rules read.

Each input kind is an adapter recognised by content (`cloudformation`, `sagemaker_api`, `sdk_config`,
`terraform.plan`); `loader/` parses bytes
into a Document with a location for every value; `discovery`, `gitignore` and `safe_read` find and read the files.
`aws_account/` is the input that is no file: `aws://REGION` (a Region's deployed resources) and `--aws` (a
template's outside values looked up in the account), read with boto3, imported only then.
"""

from __future__ import annotations

import importlib

# The document adapters, tried in order on every parsed YAML/JSON document. Each module exposes
# `recognises(data) -> bool` (decided by content, never by file name), `build(file, document) -> Template`
# and `DESCRIPTION` (what it reads, for the message when no adapter takes a document). Modules are imported
# only when a document reaches them, so an adapter with heavy dependencies costs nothing until it is needed.
DOCUMENT_ADAPTERS = ("mlcheck.inputs.cloudformation", "mlcheck.inputs.sagemaker_api", "mlcheck.inputs.sdk_config",
                     "mlcheck.inputs.terraform.plan")


def adapter_for(data):
    """The adapter module that reads this document's data, or None."""
    for name in DOCUMENT_ADAPTERS:
        module = importlib.import_module(name)
        if module.recognises(data):
            return module
    return None


def unrecognised_message() -> str:
    kinds = [importlib.import_module(name).DESCRIPTION for name in DOCUMENT_ADAPTERS]
    return "not " + " nor ".join(kinds)
