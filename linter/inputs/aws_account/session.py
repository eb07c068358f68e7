"""The one way mlcheck talks to AWS: read-only calls through boto3, each recorded, each failure a reason.

`AccountReader(region, profile, timeout)` makes clients with botocore's standard retry mode (retries with
backoff on throttling and transient errors), connection and read timeouts and a connection pool sized to the
scan's parallelism. `call(service, operation, **params)` and `pages(...)` return the response, or a
`Failed(reason)` for AccessDenied, throttling that outlived the retries, a missing resource or the
`--aws-timeout` deadline: the caller makes that value unknown, the rest of the scan goes on. Answers are kept
for the reader's life, so templates that name the same role under `--aws` read it once. Every botocore
operation sent is recorded (`operations`), from botocore's own event, so the README's IAM policy can be held to
what the code really calls (tests/test_aws_account.py).

boto3 is imported here, and this module is imported only for `--aws` or an `aws://` path.
"""

from __future__ import annotations

import threading
import time

from mlcheck.inputs.aws_account.permissions import iam_action

MAX_PARALLEL = 8  # concurrent calls: well under every service's default rate limits for Describe/List/Get
RETRY_ATTEMPTS = 5  # standard retry mode: exponential backoff with jitter, throttling errors included


class AwsUnavailable(Exception):
    """boto3 is not installed, or no session can be made: the whole aws:// path or --aws lookup fails."""


class Failed:
    """A call that gave no answer, and why (shown with --show-unknown)."""

    __slots__ = ("reason", "code")

    def __init__(self, reason: str, code: str = ""):
        self.reason = reason
        self.code = code  # the AWS error code (AccessDenied, NoSuchBucketPolicy, ...), "" when none

    def __bool__(self):
        return False

    def __repr__(self):
        return f"Failed({self.reason!r})"


def _boto3():
    try:
        import boto3
    except ImportError:
        raise AwsUnavailable("reading an AWS account needs boto3: pip install 'mlcheck-aws[aws]'") from None
    return boto3


class AccountReader:
    def __init__(self, region: str | None, profile: str | None = None, timeout: float = 300.0):
        boto3 = _boto3()
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ProfileNotFound

        try:
            self.session = boto3.session.Session(profile_name=profile, region_name=region)
        except ProfileNotFound as exc:
            raise AwsUnavailable(str(exc)) from None
        except BotoCoreError as exc:
            raise AwsUnavailable(f"cannot make an AWS session: {exc}") from None
        self.region = self.session.region_name
        if not self.region:
            raise AwsUnavailable("no AWS Region: give --region or aws://REGION, or set AWS_REGION")
        self.deadline = time.monotonic() + timeout
        per_call = max(1.0, min(60.0, timeout))
        self._config = Config(retries={"mode": "standard", "max_attempts": retry_attempts()},
                              connect_timeout=per_call, read_timeout=per_call,
                              max_pool_connections=MAX_PARALLEL, user_agent_extra="mlcheck")
        self._clients: dict = {}
        self._answers: dict = {}  # (service, operation, parameters) -> response or Failed, for this reader
        self._lock = threading.Lock()
        self.operations: list = []  # (service, operation) of every request sent, retries not counted
        self.started = time.monotonic()

    def client(self, service: str):
        with self._lock:
            found = self._clients.get(service)
            if found is None:
                found = self._clients[service] = self.session.client(service, config=self._config)
                found.meta.events.register("before-call", self._record)
            return found

    def _record(self, model, **_):
        with self._lock:
            self.operations.append((model.service_model.service_name, model.name))

    def _expired(self) -> Failed | None:
        if time.monotonic() > self.deadline:
            return Failed("not read: the --aws-timeout deadline was reached")
        return None

    def call(self, service: str, operation: str, **params):
        """The response of one read-only call (botocore's snake_case method of `operation`), or Failed."""
        expired = self._expired()
        if expired is not None:
            return expired
        iam_action(service, operation)  # only calls the README's policy lists (KeyError otherwise)
        key = (service, operation, repr(sorted(params.items())))
        with self._lock:  # --aws over many templates names the same role and key again and again
            if key in self._answers:
                return self._answers[key]
        client = self.client(service)
        try:
            answer = getattr(client, _snake(operation))(**params)
        except Exception as exc:  # every failure of one call is a reason, never a crash of the scan
            answer = _failed(service, operation, exc)
        with self._lock:
            self._answers[key] = answer
        return answer

    def pages(self, service: str, operation: str, key: str, **params):
        """The items under `key` of every page, or Failed (a scan cut short is not a partial answer)."""
        expired = self._expired()
        if expired is not None:
            return expired
        iam_action(service, operation)
        memo = (service, operation, key, repr(sorted(params.items())))
        with self._lock:
            if memo in self._answers:
                return self._answers[memo]
        client = self.client(service)
        items: list = []
        try:
            for page in client.get_paginator(_snake(operation)).paginate(**params):
                if self._expired() is not None:
                    return Failed(f"{iam_action(service, operation)}: not finished before the --aws-timeout "
                                  "deadline")
                items.extend(page.get(key) or [])
        except Exception as exc:
            items = _failed(service, operation, exc)
        with self._lock:
            self._answers[memo] = items
        return items

    def parallel(self, function, items) -> list:
        """function(item) for each item, at most MAX_PARALLEL at a time, in the order of `items`."""
        items = list(items)
        if len(items) <= 1:
            return [function(item) for item in items]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=MAX_PARALLEL) as pool:
            return list(pool.map(function, items))

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def retry_attempts() -> int:
    """RETRY_ATTEMPTS, or AWS_MAX_ATTEMPTS when the user set it (botocore reads it only without a Config)."""
    import os

    text = os.environ.get("AWS_MAX_ATTEMPTS", "")
    return int(text) if text.isdigit() and int(text) > 0 else RETRY_ATTEMPTS


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


def _failed(service: str, operation: str, exc: Exception) -> Failed:
    action = iam_action(service, operation)
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        code, message = str(error.get("Code", "error")), str(error.get("Message", ""))
        if len(message) > 200 or "<html" in message.lower():
            message = ""
        return Failed(f"{action} failed: {code}" + (f" ({message})" if message else ""), code)
    return Failed(f"{action} failed: {type(exc).__name__}: {exc}")
