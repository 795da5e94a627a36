"""Roles read from the forms, and the registered mentors suggested for an application.

The forms offer the config's roles (``roles:``) as options, and GitHub writes the
option's text into the issue body, so an answer is matched by a role's name or a former
name, ignoring case and spacing. Anything else (an "Other" answer, or an older
application's or registration's free text) matches no role: it still reads, and
suggests nobody by role. Suggestions name only what the registrations already make
public: a mentor's login, the roles they chose and the places they offered.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mentoring.core.forms import Answer, Form, as_list
from mentoring.core.settings import Role

OTHER = "Other"  # the forms' option for a role the list lacks (then the text field says it)
# The form fields, by id: the application's role dropdown, the registration's
# multi-select of roles held (the free-text fields beside them are the older ones).
APPLIED_FIELD = "role_choice"
HELD_FIELD = "roles_held"
FREE_FIELD = {APPLIED_FIELD: "role", HELD_FIELD: "roles"}
SUGGESTED = 3  # at most this many mentors suggested for one application
# Free text longer than any role's name cannot be one: it is not looked at further, so
# hostile text costs one length check.
_NAME_CHARS = 100


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def role_named(text: str, roles: Sequence[Role]) -> Role | None:
    """The role ``text`` names (its name or a former one, ignoring case and spacing)."""
    if len(text) > 4 * _NAME_CHARS:
        return None
    return _index(tuple(roles)).get(_key(text))


@functools.lru_cache(maxsize=8)
def _index(roles: tuple[Role, ...]) -> dict[str, Role]:
    """Each role by the key of each of its names, the first role to use a name winning: a
    run matches every open application and registration against the same few roles."""
    index: dict[str, Role] = {}
    for role in roles:
        for name in role.names:
            index.setdefault(_key(name), role)
    return index


def applied_role(answers: Mapping[str, Answer], roles: Sequence[Role]) -> Role | None:
    """The role an application applies for: the dropdown's choice, else the free text
    when it is exactly a role's name; None for "Other" and anything else."""
    if not roles:
        return None
    for field in (APPLIED_FIELD, FREE_FIELD[APPLIED_FIELD]):
        answer = answers.get(field)
        if isinstance(answer, str) and answer.strip():
            role = role_named(answer, roles)
            if role is not None:
                return role
    return None


def held_roles(answers: Mapping[str, Answer], roles: Sequence[Role]) -> tuple[str, ...]:
    """The names in use of the roles a registration says its mentor holds: the
    multi-select's choices, and lines of the free text that are exactly a role's name."""
    if not roles:
        return ()
    chosen = as_list(answers.get(HELD_FIELD))
    free = answers.get(FREE_FIELD[HELD_FIELD])
    lines = free.splitlines()[:SCANNED_LINES] if isinstance(free, str) else []
    found = (role_named(text, roles) for text in [*chosen[:SCANNED_LINES], *lines])
    return tuple(dict.fromkeys(r.name for r in found if r is not None))


SCANNED_LINES = 50  # of a registration's free text, the lines matched against role names


@dataclass(frozen=True)
class Candidate:
    """A registered mentor as suggestions weigh them."""

    login: str
    held: tuple[str, ...]  # names in use of the roles they hold
    capacity: int | None  # places offered; None: not said
    load: int  # running mentorships now
    away: bool = False  # said /away: left out until /back

    @property
    def free(self) -> int:
        """Places free now; none when no capacity was given."""
        return 0 if self.capacity is None else max(self.capacity - self.load, 0)


def one_per_login(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per mentor (by login, ignoring case), from the registrations of a
    mentor who has several open, oldest first: the roles of all of them, the capacity of
    the latest that gives one, and away when any of them is (an /away said on either)."""
    merged: dict[str, Candidate] = {}
    for c in candidates:
        was = merged.get(c.login.casefold())
        if was is not None:
            c = Candidate(
                c.login,
                tuple(dict.fromkeys((*was.held, *c.held))),
                was.capacity if c.capacity is None else c.capacity,
                c.load,
                was.away or c.away,
            )
        merged[c.login.casefold()] = c
    return list(merged.values())


def suggested(
    role: Role | None,
    candidates: Iterable[Candidate],
    roles: Mapping[str, Role],
    mentee: str = "",
) -> tuple[str, ...]:
    """Up to :data:`SUGGESTED` logins for an application for ``role``: mentors who hold it,
    then those who hold a role of its group, each with a free place and not away, the
    least loaded first (then the most places free, then by login). ``candidates`` are one
    per login (:func:`one_per_login`)."""
    if role is None:
        return ()
    group = {r.name for r in roles.values() if role.group is not None and r.group == role.group}
    ranked: list[tuple[int, int, int, str, str]] = []
    for c in candidates:
        if c.away or c.free <= 0 or c.login.casefold() == mentee.casefold():
            continue
        if role.name in c.held:
            tier = 0
        elif group.intersection(c.held):
            tier = 1
        else:
            continue
        ranked.append((tier, c.load, -c.free, c.login.casefold(), c.login))
    return tuple(login for *_, login in sorted(ranked)[:SUGGESTED])


@dataclass(frozen=True)
class OptionProblem:
    """A way a form's role field disagrees with ``roles:``: what, the fix, and the option
    it is about (its index in the field's options; None: the field itself)."""

    problem: str
    fix: str
    option: int | None = None
    error: bool = True  # False: a warning (the form still works, less well)


def option_problems(
    form: Form, field_id: str, roles: Sequence[Role], multiple: bool
) -> list[OptionProblem]:
    """How the form's field ``field_id`` disagrees with ``roles``: its options must be
    the names in use, then :data:`OTHER`."""
    if field_id not in form.ids:
        kind = "multi-select dropdown (`multiple: true`)" if multiple else "dropdown"
        return [
            OptionProblem(
                f"the form has no field `{field_id}`, so its issues name none of the"
                " config's `roles` and no mentor is suggested by role.",
                f"Add a {kind} with `id: {field_id}` whose options are the names in"
                f" `roles:`, then `{OTHER}`.",
                error=False,
            )
        ]
    field = form.field(field_id)
    if field.type != "dropdown":
        return [
            OptionProblem(
                f"the field `{field_id}` has `type: {field.type}`, but the config's roles"
                " are offered as a dropdown's options.",
                f"Make it `type: dropdown`{', `multiple: true`' if multiple else ''}.",
            )
        ]
    return _option_problems(field.id, field.options, roles, field.multiple, multiple)


def options_without_roles(form: Form, field_id: str, config_file: str) -> OptionProblem | None:
    """A warning when the config lists no roles but the form's field still offers some:
    an answer then matches no role, and no mentor is ever suggested."""
    if field_id not in form.ids:
        return None
    field = form.field(field_id)
    offered = [i for i, o in enumerate(field.options) if _key(o) != _key(OTHER)]
    if field.type != "dropdown" or not offered:
        return None
    first = field.options[offered[0]][:_NAME_CHARS]
    more = ", ..." if len(offered) > 1 else ""
    return OptionProblem(
        f"`{field_id}` offers {len(offered)} role{'s' if len(offered) != 1 else ''}"
        f" ({first!r}{more}), but {config_file} lists no `roles:`, so no answer matches a"
        " role and no mentor is suggested.",
        f"List the roles under `roles:` in {config_file}, or take them out of"
        f" `{field_id}`'s options (or the dropdown out of the form).",
        offered[0],
        error=False,
    )


def _option_problems(
    field_id: str, options: Sequence[str], roles: Sequence[Role], has: bool, multiple: bool
) -> list[OptionProblem]:
    problems = []
    if multiple and not has:
        problems.append(
            OptionProblem(
                f"`{field_id}` lets a mentor choose one role only.",
                "Add `multiple: true` under its `attributes:`.",
                error=False,
            )
        )
    if has and not multiple:
        # A multi-select's answer reads as a list of choices; an application is matched to
        # one role, by text (applied_role).
        problems.append(
            OptionProblem(
                f"`{field_id}` has `multiple: true`, so its answer is a list of choices, which"
                " matches no role (even one role chosen): no mentor is suggested.",
                "Take `multiple: true` out of its `attributes:` (an applicant applies for one"
                " role).",
            )
        )
    offered = {_key(o) for o in options}
    for i, option in enumerate(options):
        role = role_named(option, roles)
        if _key(option) == _key(OTHER) or (role is not None and _key(role.name) == _key(option)):
            continue
        if role is not None:
            problem = f"the option {option!r} is a former name of the role {role.name!r}."
            fix = f"Write the name in use, {role.name!r}."
        else:
            problem = f"the option {option!r} is no role's name in the config's `roles:`."
            fix = f"Add it to `roles:`, or take it out of `{field_id}`'s options."
        problems.append(OptionProblem(problem, fix, i))
    for role in roles:
        if _key(role.name) not in offered:
            problems.append(
                OptionProblem(
                    f"`{field_id}` does not offer the role {role.name!r}.",
                    f"Add `- {role.name!r}` to its options, or take it out of `roles:`.",
                )
            )
    if _key(OTHER) not in offered:
        problems.append(
            OptionProblem(
                f"`{field_id}` has no `{OTHER}` option, so a role not in the list cannot be"
                " chosen.",
                f"Add `- {OTHER}` last to its options.",
                error=False,
            )
        )
    return problems
