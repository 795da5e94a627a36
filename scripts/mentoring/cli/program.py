"""The program a command line works on: its config, its participants file and its
repository on GitHub, opened once, or the reason they cannot be, told as an annotation."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mentoring.actions import annotations
from mentoring.core.participants import Participants
from mentoring.core.settings import Config
from mentoring.files.config import load_config
from mentoring.files.participants import load_configured
from mentoring.files.yamlfile import YamlFileError
from mentoring.github.client import ConfigurationError, make_client, repository_name
from mentoring.github.repository import Repo


@dataclass(frozen=True)
class Program:
    config: Config
    participants: Participants  # as the config names it, from the checkout
    repo: Repo


def open_program(
    root: Path, env: Mapping[str, str], sleep: Callable[[float], None]
) -> Program | None:
    """The program under ``root`` and its repository, or None once what stops it (a file's
    line and its fix, or a missing token or repository name) is told: the caller exits 2."""
    try:
        config = load_config(root)
        participants = load_configured(root, config.participants)
        repo = Repo(make_client(env, sleep=sleep), repository_name(env), bot_login=config.bot)
        return Program(config, participants, repo)
    except YamlFileError as exc:
        annotations.error(f"{exc.problem} {exc.fix}".strip(), file=exc.file, line=exc.line)
    except ConfigurationError as exc:
        annotations.error(str(exc))
    return None
