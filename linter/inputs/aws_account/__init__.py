"""The AWS account as an input: `mlcheck aws://REGION` scans what is deployed there (read-only).

- `session`: boto3 clients (standard retry mode, timeouts, bounded parallelism), every call recorded and every
  failure a reason; `permissions`: the exact IAM actions mlcheck calls.
- `sagemaker`, `regional`, `references`: list and describe the region's SageMaker resources, the Auto Scaling,
  alarms, trails and log groups around them, and the IAM/KMS/S3/EC2 objects they name, into an `Inventory` of
  resources in CloudFormation's shape (`inventory`).
- `template`: the inventory as a `Template` the engine lints like any other (each resource keeps its ARN).
- `check_account(candidate, settings)`: the run for one `aws://REGION` path, as `check_file` is for a file.
- `lookup`: `--aws`, the values a template takes from outside looked up in the account.

Nothing here is imported unless an `aws://` path or `--aws` is used, and only `session` imports boto3.
"""

from __future__ import annotations

SCHEME = "aws://"


def is_account_path(path: str) -> bool:
    return isinstance(path, str) and path.startswith(SCHEME)


def region_of(path: str) -> str:
    return path[len(SCHEME):].strip("/").split("/", 1)[0]


def parse_since(text: str):
    """`7d`, `24h` or an ISO date/time -> an aware datetime (UTC); ValueError with a message otherwise."""
    import datetime as dt

    text = (text or "").strip()
    now = dt.datetime.now(dt.timezone.utc)
    units = {"d": "days", "h": "hours", "m": "minutes"}
    if text[-1:] in units and text[:-1].isdigit():
        return now - dt.timedelta(**{units[text[-1]]: int(text[:-1])})
    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an age (7d, 24h, 30m) or an ISO date, got '{text}'") from None
    return found if found.tzinfo else found.replace(tzinfo=dt.timezone.utc)


def check_account(candidate, settings):
    """A FileResult for `aws://REGION`: findings named by ARN, unreadable objects as unknowns."""
    from mlcheck.inputs.aws_account.scan import lint_account

    return lint_account(candidate, settings)


class AwsOptions:
    """--aws, --profile, --region, --aws-timeout, --aws-since as the runner passes them on."""

    __slots__ = ("resolve", "profile", "region", "timeout", "since", "on_scan")

    def __init__(self, resolve=False, profile=None, region=None, timeout=300.0, since=None, on_scan=None):
        self.resolve = resolve  # --aws: look up a template's outside values in the account
        self.profile = profile
        self.region = region
        self.timeout = timeout
        self.since = since  # datetime: training/processing jobs created after it (aws://)
        self.on_scan = on_scan  # called with (path, {"calls": {operation: count}, "seconds": s}) after a read

    def __eq__(self, other):
        return isinstance(other, AwsOptions) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self):
        return "AwsOptions(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"
