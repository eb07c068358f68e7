"""cfn-lint integration: every mlcheck rule as a cfn-lint rule, for `cfn-lint -a mlcheck.cfnlint template.yaml`.

Install with `pip install 'mlcheck-aws[cfn-lint]'`. cfn-lint instantiates each CloudFormationLintRule subclass
this module holds (`Rules.create_from_module`): one per mlcheck rule, made from the registry at import
(mlcheck.cfnlint.rules). IDs: mlcheck.cfnlint.ids. This package is the only place mlcheck imports cfn-lint.
"""

from mlcheck.cfnlint.rules import rule_classes

_CLASSES = rule_classes()
globals().update(_CLASSES)
__all__ = sorted(_CLASSES)
