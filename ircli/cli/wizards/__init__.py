"""Interactive wizards: create-job, endpoint-config create and scaling-recommendation, asked the way the
console asks. Every answer is checked against the schema and the service's rules as it is given, and
rejected with a plain message until it is right; choices come from the schemas' enums and the values the
API documents. `builder` asks member by member and reviews the result; `create_job` and `deployment` hold
the wizards; `drafts` keeps the answers of an interrupted wizard."""

from ircli.cli.wizards.builder import RequestBuilder, review, set_path
from ircli.cli.wizards.create_job import create_job_wizard
from ircli.cli.wizards.deployment import endpoint_config_wizard, scaling_wizard

__all__ = [
    "RequestBuilder",
    "create_job_wizard",
    "endpoint_config_wizard",
    "review",
    "scaling_wizard",
    "set_path",
]
