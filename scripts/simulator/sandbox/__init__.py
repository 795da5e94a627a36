"""The sandbox: a stateful in-memory GitHub REST server on 127.0.0.1 for PyGithub.

>>> with Sandbox() as sb:
...     gh = github.Github(base_url=sb.url, auth=github.Auth.Token(sb.token_for("alice")))
"""

from .faults import Fault
from .sandbox import Sandbox

__all__ = ["Fault", "Sandbox"]
