"""Inputs: sources turned into the one resource model the rules read.

Each input kind is an adapter recognised by content (`cloudformation`, `sagemaker_api`); `loader/` parses bytes
into a Document with a location for every value; `discovery`, `gitignore` and `safe_read` find and read the files.
"""
