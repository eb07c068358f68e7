"""Terraform as an input kind: `.tf` configurations (`hcl`) and plan JSON (`plan`), both read into
`TerraformResource`s (`resource`) that `mapping` turns into the resource model every rule reads.
"""
