"""The resource model every rule reads: the Template and its resources, resolved values, the graph, and the
per-template indexes. Nothing here knows which input produced it.
"""
