"""Notebook instance runs on a platform AWS no longer supports.

## What it does
Checks the `PlatformIdentifier` of every `AWS::SageMaker::NotebookInstance` (and CreateNotebookInstance
request) against the end-of-support dates AWS published for notebook platforms, as of the day mlcheck runs:

| PlatformIdentifier | platform | end of support |
|---|---|---|
| `notebook-al1-v1` | Amazon Linux (AL1), JupyterLab 1 | 2023-12-31 (end of Amazon Linux AMI maintenance support) |
| `notebook-al2-v1` | Amazon Linux 2, JupyterLab 1 | 2025-06-30 |
| `notebook-al2-v2` | Amazon Linux 2, JupyterLab 3 | 2025-06-30 |
| `notebook-al2-v3` | Amazon Linux 2, JupyterLab 4 | 2026-06-30 (end of Amazon Linux 2 support) |
| `notebook-al2023-v1`, `notebook-al2023-v2` | Amazon Linux 2023 | supported |

A missing `PlatformIdentifier` gets AWS's current default (`notebook-al2023-v1`), which is supported. An
identifier that cannot be resolved is unknown; one not in the table is left to the schema check (MLC004).

## Why is this bad?
A platform past its end of support gets no security patches for its operating system and Jupyter stack, while
the notebook typically holds credentials to data and training resources. AWS Security Hub reports it as
control SageMaker.8.

## Example
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
    PlatformIdentifier: notebook-al1-v1
```

## Use instead
```yaml
    PlatformIdentifier: notebook-al2023-v1
```

## References
- [Amazon Linux 2 and Amazon Linux 2023 notebook instances](https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html)
- [JupyterLab versioning for notebook instances](https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-jl.html)
- AWS Security Hub control SageMaker.8
"""

import datetime

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

END_OF_SUPPORT = {
    "notebook-al1-v1": ("Amazon Linux (AL1) with JupyterLab 1", datetime.date(2023, 12, 31)),
    "notebook-al2-v1": ("Amazon Linux 2 with JupyterLab 1", datetime.date(2025, 6, 30)),
    "notebook-al2-v2": ("Amazon Linux 2 with JupyterLab 3", datetime.date(2025, 6, 30)),
    "notebook-al2-v3": ("Amazon Linux 2 with JupyterLab 4", datetime.date(2026, 6, 30)),
}
SUPPORTED = "notebook-al2023-v1"


def today() -> datetime.date:
    """The day the dates are compared with (a function, so tests can fix it)."""
    return datetime.date.today()


def check(view, ctx):
    value = view.get("PlatformIdentifier")
    path = view.path("PlatformIdentifier")
    if is_symbolic(value):
        ctx.unknown(path, value.reason if isinstance(value, Unknown) else "PlatformIdentifier is computed")
        return
    if not isinstance(value, str) or value.strip() not in END_OF_SUPPORT:
        return
    platform, ended = END_OF_SUPPORT[value.strip()]
    if today() > ended:
        yield Hit(path, f"Notebook instance '{view.logical_id}' runs on {value.strip()} ({platform}), which AWS "
                        f"stopped supporting on {ended.isoformat()}: it gets no security updates")


RULE = Rule(
    id="MLC707",
    name="notebook-platform-end-of-support",
    severity="medium",
    resource_types=("AWS::SageMaker::NotebookInstance",),
    check=check,
    fix=f"Set PlatformIdentifier: {SUPPORTED} (Amazon Linux 2023) and move lifecycle scripts to it.",
    peers={"aws": ["SageMaker.8"]},
)
