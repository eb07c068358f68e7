"""The engine: rules and their selection (registry, rule format), running them over templates and files
(engine, runner, pool), configuration, suppressions and one finding per problem.
"""
