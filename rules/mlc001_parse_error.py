"""A file that looks like a template cannot be parsed.

## What it does
Reports a file that mlcheck was asked to check, or that looks like a CloudFormation template, but that cannot
be read as YAML or JSON: a syntax error, a duplicate key, a binary or non-UTF-8 file, a document nested too
deeply, YAML aliases that expand without bound ("billion laughs"), or a resource without a `Type`. The message
gives the file and line; the run exits with code 2, and every other file is still checked.

## Why is this bad?
A template that does not parse is not checked at all, so none of its problems are reported. CloudFormation
rejects duplicate keys and malformed documents at deploy time; finding out on the commit is cheaper.

## Example
```yaml
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      InstanceType: ml.t3.large   # duplicate key
```

## Use instead
```yaml
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
```

## References
- [CloudFormation template anatomy](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html)
"""

from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC001",
    name="parse-error",
    severity="high",
    category="correctness",  # a template that cannot be parsed cannot be deployed
    check=None,  # reported by the loader, not by a resource check
    fix="Fix the syntax at the reported line; each key may appear once per mapping.",
)
