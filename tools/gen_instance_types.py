"""Regenerate `linter/data/instance_types.json`, the SageMaker instance types per job kind used by MLC705.

Source: botocore's SageMaker service model, the model the AWS SDKs are generated from. Each job kind's
instance type member has its own enum there (a type can be offered for training but not for hosting), so the
data keeps one list per kind. Generated at build time so that no mlcheck run pays botocore's import for it.

    python tools/gen_instance_types.py          # rewrite the data file from the installed botocore
    python tools/gen_instance_types.py --check  # exit 1 if the file differs from what botocore gives

Output: {"source": "botocore <version>", "kinds": {"hosting": "ml.c5.large ml.c5.xlarge ...", ...}}: one
space-separated string per kind (cheap to `json.load`; split on first use).
"""

from __future__ import annotations

import json
import os
import sys

# job kind -> the enum shape of its instance type member in botocore's SageMaker model
SHAPES = {
    "hosting": "ProductionVariantInstanceType",  # ProductionVariant.InstanceType (and shadow variants)
    "training": "TrainingInstanceType",  # ResourceConfig.InstanceType, InstanceGroup, tuning resources
    "processing": "ProcessingInstanceType",  # ProcessingClusterConfig, MonitoringClusterConfig, debug rules
    "transform": "TransformInstanceType",  # TransformResources.InstanceType
    "notebook": "InstanceType",  # CreateNotebookInstance InstanceType
}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "linter", "data", "instance_types.json")


def build() -> dict:
    import botocore
    from botocore.loaders import Loader

    shapes = Loader().load_service_model("sagemaker", "service-2")["shapes"]
    kinds = {kind: " ".join(sorted(shapes[shape]["enum"])) for kind, shape in SHAPES.items()}
    return {"source": f"botocore {botocore.__version__}", "kinds": kinds}


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv) -> int:
    text = render(build())
    if "--check" in argv:
        with open(OUT, encoding="utf-8") as handle:
            if handle.read() != text:
                print("linter/data/instance_types.json is out of date: run python tools/gen_instance_types.py")
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    data = json.loads(text)
    print(f"wrote {os.path.normpath(OUT)} ({data['source']}): "
          + ", ".join(f"{k} {len(v.split())}" for k, v in data["kinds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
