"""Helpers for tests of bounded work: a wall-clock limit and templates built in the test."""

import contextlib
import json
import signal

LIMIT = 20  # seconds: generous for a loaded machine; before the bounds, these inputs ran for minutes or forever


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float = LIMIT):
    def expired(signum, frame):
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def notebook(direct_internet_access, **properties) -> dict:
    props = {"InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::123456789012:role/r",
             "SubnetId": "subnet-1", "DirectInternetAccess": direct_internet_access}
    props.update(properties)
    return {"Type": "AWS::SageMaker::NotebookInstance", "Properties": props}


def write_template(tmp_path, resources: dict, name: str = "t.json", **sections) -> str:
    document = {"AWSTemplateFormatVersion": "2010-09-09", **sections, "Resources": resources}
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def run_bounded(run_cli, *args, **kwargs):
    """The CLI under the time limit: (exit code, stdout, stderr), never a traceback (run_cli re-raises)."""
    with time_limit():
        code, out, err = run_cli(*args, **kwargs)
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    return code, out, err
