"""Which lines of a comment GitHub surely shows as plain text: the lines a command may be.

GitHub renders a comment as CommonMark (cmark-gfm), passes raw HTML through, and then
reads the result as HTML, so an HTML comment that raw HTML leaves open hides everything
after it. A line is *plain* here only when it is surely outside fenced code, indented
code, block quotes and HTML comments. Where GitHub's rules are too subtle to be sure,
the answer errs on the side of hidden, to the end of the text: that can miss a command
written after odd markup, never read one out of code, a quote or a comment.

- A fence is three or more backticks or tildes after at most three spaces (in a list
  item, from the item's text column), closed by a run of the same character at least as
  long; an unclosed fence runs to the end (of its list item). A fence in a list item
  whose column is unsure (a list inside a quote, a line that may be a lazy continuation
  or indented code) hides the rest.
- A ``>`` line is quoted, and so is every line after it up to a blank line (a lazy
  continuation renders inside the quote), except a fence or a line that starts with
  ``<!--``: those cannot continue a quote, so they end it and begin a block of their own.
- ``<!--`` opens an HTML comment wherever it is, up to the next ``-->`` or ``--!>``
  (``<!-->`` and ``<!--->`` are empty comments), as HTML reads it. A line that starts with
  ``<!--`` begins an HTML block that runs to the first line with ``-->``, blank lines or
  not; a comment still open there hides the rest. A comment opened within a line ends at
  its ``-->`` too, and a blank line or a fence before it drops it (its paragraph ended,
  so it was plain text).
- Raw HTML (a line that starts with ``<``) hides the rest when a comment is still open
  at its block's end (a blank line), when a comment opens in it inside a quote or a list
  item, when a fence or a ``<!--`` line with an open comment follows it before a blank
  line (its text, or blocks of their own: the two end differently), and for ``<pre>``,
  ``<script>``, ``<style>``, ``<textarea>``, ``<?``, ``<!X`` and ``<![CDATA[`` blocks
  (which blank lines do not end) with a comment open at their end.

What GitHub renders besides Markdown's own blocks hides lines too, and is followed
alongside (:class:`_Rendered`), erring the same way:

- Raw HTML ``<blockquote>``, ``<q>``, ``<pre>``, ``<code>``, ``<kbd>``, ``<samp>`` and
  ``<tt>``, wherever on a line they open (after text too), hide every line that starts
  before their closing tag, blank lines or not (HTML reopens ``<code>`` in the next
  paragraph). An opening tag counts unless it is surely text: in a fence, or in a code
  span of single backticks closed on its line (outside raw HTML); one in an HTML comment
  counts too, as the comment may be text. A closing tag counts only when surely HTML:
  not in a comment or a fence, not maybe indented code, and after an even number of
  single backticks in its paragraph (no comment or longer or escaped run among them).
- ``$$`` opens display math up to the next ``$$``, blank lines or not.
- A GFM table's delimiter row (cells of ``-`` with optional ``:``, and a ``|`` or a
  ``:`` somewhere) hides the line before it, its header, and every line after it up to a
  blank line: a table's rows need no ``|``.

Every line is looked at once, by ``str`` methods and regular expressions that are
linear in it, so the work is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The first characters of the lines that may be more than a paragraph's text.
_MAY_START_BLOCKS = frozenset(" \t>-+*0123456789<`~")
# What HTML reads as the start or the end of a comment.
_COMMENT_TOKEN = re.compile(r"<!--|--!?>")
# Block-quote and list-item markers at the start of a line, with the spaces around them.
# Each repetition ends in a marker character, so a failed one gives back only its spaces.
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$)))*[ \t]*")
# A line of three or more -, * or _ (and spaces): a thematic break, before any list item.
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
# HTML blocks that only their own end marker ends (CommonMark's kinds 1, 3, 4 and 5).
_TYPE1_NAMES = ("script", "pre", "style", "textarea")
_TYPE1_ENDS = tuple(f"</{name}>" for name in _TYPE1_NAMES)
_COMMENT_BLOCK_END = ("-->",)
# The characters without which a line opens or ends nothing :class:`_Rendered` follows.
_MAY_RENDER = re.compile(r"[<`$|:-]")
# Raw HTML elements whose text GitHub shows as a quote or as code.
_HIDING_ELEMENTS = ("blockquote", "q", "pre", "code", "kbd", "samp", "tt")
# What :class:`_Rendered` looks for in a line: comment tokens, backtick runs (escaped
# or not), and the hiding elements' opening tags (``<code`` then a space, ``/``, ``>``
# or the line's end) and closing tags (``</code>``, spaces allowed before the ``>``).
_HTML_TOKEN = re.compile(
    r"<!--|--!?>|\\?`+|<(?:/(?P<closes>{0})\s*>|(?P<opens>{0})(?![^\s/>]))".format(
        "|".join(_HIDING_ELEMENTS)
    ),
    re.IGNORECASE,
)


def plain_lines(text: str) -> Iterator[str]:
    """The plain lines of ``text`` (split on ``\\n``), without up to three leading spaces."""
    reader = _Reader()
    rendered = _Rendered()
    held: str | None = None  # a plain line, until the next shows it is no table's header
    for line in text.split("\n"):
        fenced, comment = reader.fence is not None, reader.open
        shown = reader.read(line)
        if rendered.idle and not _MAY_RENDER.search(line):
            pass  # most lines: nothing open, nothing to open (a quick path, same answer)
        else:
            fenced = fenced or reader.fence is not None
            if rendered.read(line, shown, fenced, comment, reader.raw):
                shown = None
            if rendered.header_above:
                held = None
        if held is not None:
            yield held
        held = shown
        if reader.done:
            break
    if held is not None:
        yield held


class _Line:
    """One non-blank line, taken apart once."""

    __slots__ = ("body", "inner", "lead", "markers", "tabbed", "text")

    def __init__(self, text: str) -> None:
        end = _CONTAINERS.match(text).end()  # type: ignore[union-attr]  # always matches
        self.text = text
        self.body = _unindent(text)  # None: indented four or more
        self.markers = text[:end].strip(" \t")  # block-quote and list-item markers: "1. -"
        self.inner = text[end:]  # what follows the markers and their spaces
        self.lead = end  # the column of ``inner``, counted in characters
        self.tabbed = "\t" in text[:end]  # a tab before ``inner``: columns not counted here

    @property
    def at_margin(self) -> bool:
        return self.text[:1] not in (" ", "\t")

    @property
    def indent(self) -> int:
        """How many spaces and tabs it starts with."""
        return len(self.text) - len(self.text.lstrip(" \t"))

    @property
    def quote(self) -> bool:
        return ">" in self.markers

    @property
    def item(self) -> bool:
        """Whether it starts with a list item's marker."""
        return bool(self.markers.strip("> \t"))


class _Reader:
    """The state between lines; :meth:`read` takes one line at a time."""

    def __init__(self) -> None:
        self.fence: str | None = None  # the opening run while inside a fence
        self.fence_column = 0  # the text column of the list item the fence is in
        self.block: tuple[str, ...] | None = None  # in an HTML block: what ends it
        self.open = False  # an HTML comment is open
        self.quoted = False  # in a block quote's paragraph, lazy continuations included
        self.raw = False  # a raw HTML line since the last blank line
        self.listed = False  # maybe inside a list item
        self.item: int | None = None  # the text column of the list item surely open
        self.empty_item = False  # the line before began a list item with no text
        self.after_blank = True  # the line before was blank, or there was none
        self.done = False  # nothing after this line is plain

    def read(self, text: str) -> str | None:
        """The line without its indentation if it is plain, else None."""
        blank = not text.strip(" \t")  # CommonMark's blank: spaces and tabs only
        if blank and self.empty_item:
            self.item = None  # a list item begins with at most one blank line: it ended
        self.empty_item = False
        if self.fence is not None and self._in_fence(text, blank):
            pass
        elif self.block is not None:
            self.open = _comment_open_after(text, self.open)
            if _ends(text, self.block):
                self.block = None
                self.done = self.open  # raw HTML left a comment open
        elif blank:
            # A comment still open here was plain text in a paragraph, unless raw HTML
            # opened it: then its block ended with it open.
            self.done = self.open and self.raw
            self.open = self.quoted = self.raw = False
        elif text[0] not in _MAY_START_BLOCKS and not self.open and "<!--" not in text:
            # Most lines: text at the margin, no block of any kind (only list items to end).
            if self.item is not None or self.after_blank:
                self.item = None
                self.listed = self.listed and not self.after_blank
            self.after_blank = False
            return None if self.quoted else text
        else:
            shown = self._text(_Line(text))
            self.after_blank = False
            return shown
        self.after_blank = blank
        return None

    def _in_fence(self, text: str, blank: bool) -> bool:
        """Whether the line is in the fence (or closes it); False when a line less
        indented than its list item's text ends the item, and the fence with it."""
        column = self.fence_column
        if column and not blank:
            lead = len(text) - len(text.lstrip(" \t"))
            if "\t" in text[:lead]:
                self.done = True  # columns with tabs are not counted here
                return True
            if lead < column:
                self.fence, self.fence_column, self.item = None, 0, None
                self.listed = self.listed and lead > 0
                return False
        body = _unindent(text[column:])
        if body is not None and self.fence is not None and _closes(body, self.fence):
            self.fence, self.fence_column = None, 0
        return True

    def _text(self, line: _Line) -> str | None:
        """A non-blank line outside fences and HTML blocks."""
        fence = self._fence_opening(line)
        if self.done:
            return None
        if fence is not None:
            # A fence cannot continue a paragraph: it ends a quote, a list at the margin,
            # and a comment opened in a paragraph (which was plain text, then).
            (self.fence, self.fence_column), self.open, self.quoted = fence, False, False
            if self.fence_column:
                self.listed = True
            elif line.at_margin:
                self.listed, self.item = False, None
            return None
        hard = _hard_block_end(line.inner)
        subtle = self.open or self.raw or line.markers or (self.listed and not line.at_margin)
        if hard is not None and not self._code(line) and subtle:
            self.done = True  # where it ends, or whose comment it holds, is too subtle
            return None
        block = self._comment_block(line)
        if block is None:
            return None
        if self.open and not block:
            self._bookkeep(line)
            self.open = _comment_open_after(line.text, True)
            self._check_contained(line)
            return None
        self.open = False  # a comment opened in a paragraph, ended by a block of its own
        if self._html_block(line, _COMMENT_BLOCK_END if block else hard):
            return None
        self._bookkeep(line)
        self.open = _comment_open_after(line.text, False)
        self._check_contained(line)
        if self.quoted or line.body is None:
            return None
        return line.body

    def _fence_opening(self, line: _Line) -> tuple[str, int] | None:
        """The fence the line surely opens, and its list item's text column (0 outside
        lists); ``done`` if it may open one."""
        if line.quote or _fence_opening(line.inner) is None:
            return None  # (a fence in a quote ends with the quote)
        if self.raw:
            self.done = True  # raw HTML's text, or a fence after its block: cannot tell
            return None
        if not line.markers and line.body is not None and (line.at_margin or not self.listed):
            opening = _fence_opening(line.body)
            if opening:
                return opening, 0
        column = self._item_column(line) if line.item else self.item
        if column is not None and not line.tabbed and column <= line.lead <= column + 3:
            if line.item:
                self.item = column
            return _fence_opening(line.inner), column  # type: ignore[return-value]
        if line.markers or self.listed:
            self.done = True  # in a list item whose text column is unsure
        return None  # indented four or more (or by a tab) outside lists: indented code

    def _item_column(self, line: _Line) -> int | None:
        """The text column of the list item the line surely starts, else None."""
        if self.raw or line.quote or line.tabbed or _THEMATIC_BREAK.fullmatch(line.text):
            return None  # (raw HTML's text, or a thematic break such as - - -, is no item)
        first = line.markers.split()[0]
        # A list item can begin in a paragraph only with a bullet or 1, and some text.
        if not self.after_blank and (not line.inner or first[:-1] not in ("", "1")):
            return None
        indent = len(line.text) - len(line.text.lstrip(" "))
        if indent > 3 and (self.item is None or not self.item <= indent <= self.item + 3):
            return None  # indented code, or an item nested at a column not known here
        prefix = line.text[: line.lead]
        spaces = len(prefix) - len(prefix.rstrip(" "))
        if not line.inner or spaces > 4:  # empty, or its text is indented code
            return len(prefix.rstrip(" ")) + 1
        return line.lead

    def _code(self, line: _Line) -> bool:
        """Whether the line is surely indented code (or a paragraph's continuation)."""
        return line.body is None and not line.markers and not self.listed

    def _comment_block(self, line: _Line) -> bool | None:
        """Whether the line starts an HTML block of its own with ``<!--`` (it ends a
        paragraph, and with it a quote, a list item or a comment opened in a paragraph).

        After a raw HTML line it may instead be more of that line's block, and the two
        end differently (at the first line with ``-->``, or at the first ``-->`` or
        ``--!>``, then at a blank line): None and ``done``, unless it holds no open
        comment."""
        body = line.body
        if line.markers or body is None or not body.startswith("<!--"):
            return False
        if not line.at_margin and self.listed:
            return False
        if self.raw and (self.open or _comment_open_after(body, False)):
            self.done = True
            return None
        return not self.raw

    def _html_block(self, line: _Line, ends: tuple[str, ...] | None) -> bool:
        """Whether the line starts an HTML block that only its end marker (``ends``, if
        it may start one) ends."""
        if ends is None or self._code(line):
            return False
        self.quoted = False
        if line.at_margin:
            self.listed, self.item = False, None  # it cannot continue a paragraph
        self.open = _comment_open_after(line.text, False)
        if _ends(line.text, ends):
            self.done = self.open  # the block ends on its first line
        else:
            self.block = ends
        return True

    def _bookkeep(self, line: _Line) -> None:
        """What a line tells of the blocks around it: quotes, lists and raw HTML."""
        if line.quote:
            self.quoted = True
        if line.item:
            self.listed = True
            self.item = self._item_column(line)
            self.empty_item = not line.inner
            if self.item is not None and not line.quote:
                self.quoted = False  # a list item cannot continue a paragraph: it ends one
        else:
            self._leave_items(line)
        inner = line.inner
        if inner.startswith("<") and not inner.startswith("<!--") and not self._code(line):
            self.raw = True

    def _leave_items(self, line: _Line) -> None:
        """A line that is no list item's first: which items it may end."""
        if self.item is not None and line.indent < self.item:
            self.item = None  # a lazy continuation, or the item ended: unsure
        if line.at_margin and (self.after_blank or line.markers):
            self.listed, self.item = False, None  # at the margin after a blank line, or a quote

    def _check_contained(self, line: _Line) -> None:
        """A comment left open by raw HTML in a quote or a list item: where that block
        ends, and the comment with it unclosed, depends on the container."""
        contained = bool(line.markers) or self.quoted or self.listed
        if self.open and contained and (self.raw or line.inner.startswith("<")):
            self.done = True


class _Rendered:
    """What hides lines besides Markdown's blocks: raw HTML elements, math and tables."""

    def __init__(self) -> None:
        self.elements = dict.fromkeys(_HIDING_ELEMENTS, 0)  # how many of each are open
        self.open = 0  # how many elements are open in all
        self.math = False  # between a $$ and the next
        self.table = False  # in a table's rows, which a blank line ends
        self.ticks = 0  # single backticks in the paragraph so far
        self.subtle = False  # code spans or comments in the paragraph too subtle to follow
        self.header_above = False  # the line read was a table's delimiter row
        self.idle = True  # nothing open or counted: a line without _MAY_RENDER is plain

    def read(self, text: str, shown: str | None, fenced: bool, comment: bool, raw: bool) -> bool:
        """Whether something opened before the line hides it; ``header_above`` tells
        whether the line is a table's delimiter row (the line before it is a header)."""
        hidden = bool(self.open) or self.math or self.table
        self.header_above = False
        if not text.strip(" \t"):
            self.table = False
            self.ticks, self.subtle = 0, False  # a code span ends with its paragraph
        elif not fenced:
            if "<" in text or "`" in text:
                self._scan(text, comment, raw)
            if "$$" in text:
                self.math ^= text.count("$$") % 2 == 1
            if shown is not None and "-" in shown and _delimiter_row(shown):
                self.table = self.header_above = True
        self.idle = not (self.open or self.math or self.table or self.ticks or self.subtle)
        return hidden

    def _scan(self, text: str, comment: bool, raw: bool) -> None:
        """Count the hiding elements the line opens and closes, and its backticks.

        ``comment``: an HTML comment is open at its start; ``raw``: raw HTML since the
        last blank line, where backticks are text."""
        spanned: list[str] = []  # opened after an odd backtick: in a span if one follows
        code: bool | None = None  # whether the line may be indented code, once asked
        for token in _HTML_TOKEN.finditer(text):
            found = token.group()
            if found == "`":
                self.ticks += 1
                spanned.clear()  # they were in a code span
            elif found.endswith("`"):
                self.subtle = True  # a longer run, or an escaped backtick
            elif found == "<!--":
                self.subtle = True
                comment = comment or not text.startswith((">", "->"), token.end())
            elif found.startswith("--"):
                self.subtle, comment = True, False
            elif opens := token.group("opens"):
                # An opening tag counts even in a comment: a comment's start may be text.
                if self.ticks % 2 and not (self.subtle or raw):
                    spanned.append(opens.lower())
                else:
                    self._opened(opens.lower())
            elif not (comment or self.subtle or self.ticks % 2):
                code = _maybe_code(text) if code is None else code
                if not code:  # in indented code a closing tag is text
                    self._closed(token.group("closes").lower())
        for name in spanned:  # no backtick closed their span on the line: maybe HTML
            self._opened(name)

    def _opened(self, name: str) -> None:
        self.elements[name] += 1
        self.open += 1

    def _closed(self, name: str) -> None:
        if self.elements[name]:  # a closing tag with nothing open is text
            self.elements[name] -= 1
            self.open -= 1


def _maybe_code(text: str) -> bool:
    """Whether the line may be indented code: a tab, or four spaces, before its text."""
    lead = text[: _CONTAINERS.match(text).end()]  # type: ignore[union-attr]  # always matches
    return "\t" in lead or "    " in lead


def _delimiter_row(line: str) -> bool:
    """Whether ``line`` is a GFM table's delimiter row (``|---|:--:|``, ``--|--``)."""
    row = line.strip(" \t")
    if "|" not in row and ":" not in row:
        return False  # "---" alone is a thematic break or a heading's underline
    row = row.removeprefix("|").removesuffix("|")
    for cell in row.split("|"):
        dashes = cell.strip(" \t").removeprefix(":").removesuffix(":")
        if not dashes or dashes.strip("-"):
            return False
    return True


def _comment_open_after(text: str, open_: bool) -> bool:
    """Whether an HTML comment is open at the end of ``text``, given whether one was open
    at its start, as HTML reads comments."""
    for token in _COMMENT_TOKEN.finditer(text):
        if open_:
            open_ = token.group() == "<!--"  # inside a comment, <!-- is text
        elif token.group() == "<!--":
            # <!--> and <!---> are whole (empty) comments.
            open_ = not text.startswith((">", "->"), token.end())
    return open_


def _ends(text: str, ends: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of an HTML block's end markers (in any case)."""
    low = text.lower()
    return any(end in low for end in ends)


def _hard_block_end(inner: str) -> tuple[str, ...] | None:
    """What ends the HTML block ``inner`` starts, if blank lines do not end it."""
    if not inner.startswith("<"):
        return None
    head = inner[:12].lower()
    if head.startswith("<![cdata["):
        return ("]]>",)
    if head.startswith("<?"):
        return ("?>",)
    if head.startswith("<!") and head[2:3].isascii() and head[2:3].isalpha():
        return (">",)
    for name in _TYPE1_NAMES:
        after = head[len(name) + 1 : len(name) + 2]
        if head.startswith("<" + name) and after in ("", " ", "\t", ">"):
            return _TYPE1_ENDS
    return None


def _unindent(text: str) -> str | None:
    """The line without up to three leading spaces; None if indented four or more."""
    stripped = text.lstrip(" ")
    return stripped if len(text) - len(stripped) <= 3 else None


def _fence_opening(body: str) -> str | None:
    for char in "`~":
        if body.startswith(char * 3):
            run = len(body) - len(body.lstrip(char))
            info = body[run:]
            if char == "`" and "`" in info:
                return None  # not a fence: a backtick fence's info string has no backtick
            return char * run
    return None


def _closes(body: str, opening: str) -> bool:
    char = opening[0]
    run = len(body) - len(body.lstrip(char))
    return run >= len(opening) and not body[run:].strip(" \t")
