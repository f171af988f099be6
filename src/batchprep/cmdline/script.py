"""A small, honest reader of POSIX shell scripts: the text given to `sh -c`, `bash -c` and friends.

It reads the structure the linter reasons about — simple commands, pipelines, `&&`/`||` lists,
`;` and newlines, `if`/`while`/`for`/`case`/`{ }`/`( )`, functions, redirections, here-documents —
and keeps for each word how it was quoted. What it cannot read with certainty (arithmetic commands
`(( ))`, unbalanced quotes or brackets) raises `ScriptSyntaxError` or `UnsupportedScript`, and rules
then stay silent: a wrong guess would be a false warning. Expansions (`$VAR`, `$(...)`, backquotes)
are kept as they are written, never evaluated; a word holding one is marked `dynamic`. A script
nested more than `MAX_NESTING` levels deep (`$(` in `$(`..., or `(`, `{`, `if` in one another) is
not analysed either: `ScriptTooDeep` says where, instead of the reader exhausting Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from batchprep.cmdline.split import Part, Quoting, Word, where

__all__ = [
    "MAX_NESTING",
    "AndOr",
    "Command",
    "Compound",
    "Context",
    "Pipeline",
    "Redirect",
    "Script",
    "ScriptSyntaxError",
    "ScriptTooDeep",
    "ShellWord",
    "Simple",
    "UnsupportedScript",
    "parse_script",
    "simple_commands",
]

_OPERATORS = sorted(
    ["&&", "||", ";;&", ";;", ";&", "|&", "&>>", "&>", "<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|"]
    + [";", "&", "|", "(", ")", "<", ">"],
    key=len,
    reverse=True,
)
_REDIRECTS = frozenset({"<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<", "<<-", "<<<"})
_WORD_END = frozenset(" \t\n;&|<>()")
_RESERVED = frozenset({"if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while", "until", "for"})
_RESERVED |= frozenset({"in", "{", "}", "!", "select", "function", "[[", "]]"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
#: How deep the reader follows nested constructs: expansions in expansions (`$(`, `${`, `<(`), and
#: commands in compound commands (`(`, `{`, `if`, `while`, `case`, functions). Far more than a
#: script written by hand holds, and far less than would exhaust Python's stack (each level costs the
#: reader, and the rules that walk what it read, a few frames).
MAX_NESTING = 50


class ScriptSyntaxError(ValueError):
    """The script is not valid shell: a quote, a bracket or a compound command is never closed.

    Attributes:
        position: The 0-based index in the script where the unclosed construct starts.
    """

    def __init__(self, script: str, position: int, what: str) -> None:
        self.position = position
        super().__init__(f"{what} at {where(script, position)}")


class UnsupportedScript(ValueError):
    """The script uses syntax this reader does not reason about; rules about its structure stay silent."""


class ScriptTooDeep(UnsupportedScript):
    """The script nests constructs more than `MAX_NESTING` levels deep: it is not analysed.

    Attributes:
        position: The 0-based index in the script of the construct one level too deep.
    """

    def __init__(self, script: str, position: int) -> None:
        self.position = position
        super().__init__(
            f"nested more than {MAX_NESTING} levels deep ($(...), ( ), {{ }}, if...) at {where(script, position)}: "
            "not analysed"
        )


@dataclass(frozen=True)
class ShellWord(Word):
    """A word of a script, with `dynamic` set when the shell expands something in it.

    `value` is the word after quote removal, with expansions left as written (`$HOME`, `$(date)`).
    Offsets are indexes into the script.
    """

    dynamic: bool = False


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "op" or "newline"
    text: str
    start: int
    end: int
    word: ShellWord | None = None


@dataclass(frozen=True)
class Redirect:
    """A redirection: `>` `out.txt`, `2>&` `1`, `<<` `EOF` (the target is the here-document's delimiter)."""

    op: str
    target: ShellWord | None
    start: int


@dataclass
class Simple:
    """A simple command: assignments, then the command's words, with redirections anywhere."""

    words: list[ShellWord]
    assignments: list[ShellWord]
    redirects: list[Redirect]
    start: int
    end: int

    @property
    def argv(self) -> list[str]:
        """The command's words after quote removal (expansions left as written)."""
        return [w.value for w in self.words]


@dataclass
class Compound:
    """A compound command. `parts` holds its lists by role: `condition`, `body`, `else`, `items`."""

    kind: str  # if, while, until, for, select, case, brace, subshell, function
    parts: list[tuple[str, list[AndOr]]]
    start: int
    end: int
    redirects: list[Redirect] = field(default_factory=list)


Command = Simple | Compound


@dataclass
class Pipeline:
    """Commands joined by `|`; `pipes` are the indexes of the `|` operators."""

    commands: list[Command]
    negated: bool
    pipes: list[int]
    start: int
    end: int


@dataclass
class AndOr:
    """Pipelines joined by `&&` and `||`, then how the list ends: `;`, `&`, a newline, or nothing."""

    pipelines: list[Pipeline]
    ops: list[str]
    terminator: str | None
    start: int
    end: int


@dataclass
class Script:
    """A whole script: its top-level and-or lists, in order."""

    text: str
    items: list[AndOr]


@dataclass(frozen=True)
class Context:
    """Where a simple command sits, for rules that must know whether a failure there is handled.

    Attributes:
        handled: Its failure is dealt with by the script: it is tested (`if`, `while`, `!`), or on
            either side of `||`, or after a test joined with `&&` (`[ -d x ] || git clone ...`).
        conditional: It runs only sometimes (inside `if`, `case`, a loop, after `&&` or `||`).
        shell_depth: 0 at the top of the script; 1 inside a function, subshell or `{ }` group, and so on.
    """

    handled: bool = False
    conditional: bool = False
    shell_depth: int = 0


def parse_script(script: str) -> Script:
    """Read a POSIX shell script.

    Raises:
        ScriptSyntaxError: A quote, bracket or compound command is never closed.
        UnsupportedScript: The script uses syntax this reader does not reason about.
    """
    parser = _Parser(script, _Lexer(script).tokens())
    items = parser.sequence(stop=frozenset())
    if parser.at < len(parser.tokens):
        token = parser.tokens[parser.at]
        raise ScriptSyntaxError(script, token.start, f"unexpected {token.text!r}")
    return Script(script, items)


def simple_commands(items: list[AndOr], context: Context = Context()) -> Iterator[tuple[Simple, Context]]:
    """Every simple command of a list, nested ones included, each with its context."""
    for item in items:
        for index, pipeline in enumerate(item.pipelines):
            before = item.ops[index - 1] if index else None
            after = item.ops[index] if index < len(item.ops) else None
            handled = context.handled or pipeline.negated or "||" in (before, after)
            if before == "&&" and _is_test(item.pipelines[index - 1]):
                handled = True
            here = Context(handled, context.conditional or before is not None, context.shell_depth)
            for command in pipeline.commands:
                yield from _commands_of(command, here)


def _commands_of(command: Command, context: Context) -> Iterator[tuple[Simple, Context]]:
    if isinstance(command, Simple):
        yield command, context
        return
    depth = context.shell_depth + (command.kind in ("function", "subshell", "brace"))
    for role, items in command.parts:
        tested = role == "condition"
        inner = Context(
            context.handled or tested or command.kind in ("if", "case"),
            context.conditional or command.kind not in ("brace", "subshell", "function"),
            depth,
        )
        yield from simple_commands(items, inner)


def _is_test(pipeline: Pipeline) -> bool:
    first = pipeline.commands[0] if len(pipeline.commands) == 1 else None
    return isinstance(first, Simple) and bool(first.words) and first.words[0].value in ("[", "[[", "test")


class _Lexer:
    def __init__(self, script: str) -> None:
        self.s = script
        self.i = 0
        self.heredocs: list[tuple[str, bool]] = []

    def tokens(self) -> list[Token]:
        s, out = self.s, []
        strip_tabs: bool | None = None  # set after << or <<-: the next word is a here-document's delimiter
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self.i += 1
                continue
            if c == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
                continue
            if c == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
                continue
            if c == "\n":
                out.append(Token("newline", "\n", self.i, self.i + 1))
                self.i += 1
                self._heredoc_bodies()
            elif c in ";&|<>()" and not (c in "<>" and s.startswith("(", self.i + 1)):
                op = next(o for o in _OPERATORS if s.startswith(o, self.i))
                start = self.i
                if op in _REDIRECTS and out and out[-1].kind == "word" and out[-1].end == start:
                    if out[-1].text.isdigit():
                        start = out.pop().start  # 2>&1: the file descriptor belongs to the operator
                out.append(Token("op", s[start : self.i + len(op)], start, self.i + len(op)))
                self.i += len(op)
                strip_tabs = op == "<<-" if op in ("<<", "<<-") else None
                continue
            else:
                token = self._word()
                out.append(token)
                if strip_tabs is not None and token.word is not None:
                    self.heredocs.append((token.word.value, strip_tabs))
            strip_tabs = None
        return out

    def _heredoc_bodies(self) -> None:
        s = self.s
        for delimiter, strip_tabs in self.heredocs:
            while self.i < len(s):
                end = s.find("\n", self.i)
                line = s[self.i : len(s) if end < 0 else end]
                self.i = len(s) if end < 0 else end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs.clear()

    def _word(self) -> Token:
        s, start = self.s, self.i
        parts: list[Part] = []
        bare: list[tuple[str, int]] = []
        dynamic = False

        def flush() -> None:
            if bare:
                offsets = tuple(i for _, i in bare)
                parts.append(Part("".join(c for c, _ in bare), "none", offsets[0], offsets[-1] + 1, offsets))
                bare.clear()

        def add(quoting: Quoting, a: int, b: int, text: str | None = None) -> None:
            flush()
            chunk = s[a:b] if text is None else text
            offsets = tuple(range(a, b)) if text is None else tuple(range(a, a + len(text)))
            parts.append(Part(chunk, quoting, a, b, offsets))

        while self.i < len(s):
            i, c = self.i, s[self.i]
            if c == "(" and not parts and _ASSIGNMENT.fullmatch("".join(ch for ch, _ in bare)):  # a=(1 2 3): an array
                end = _skip_balanced(s, i, "(", ")")
                bare.extend((s[k], k) for k in range(i, end))
                self.i = end
                continue
            if c in _WORD_END and not (c in "<>" and s.startswith("(", i + 1)):
                break
            if c == "\\":
                if s.startswith("\n", i + 1):
                    self.i = i + 2
                elif i + 1 < len(s):
                    flush()
                    parts.append(Part(s[i + 1], "escape", i, i + 2, (i + 1,)))
                    self.i = i + 2
                else:
                    bare.append((c, i))
                    self.i += 1
            elif c == "'":
                close = s.find("'", i + 1)
                if close < 0:
                    raise ScriptSyntaxError(s, i, "a single quote (') that is never closed")
                flush()
                parts.append(Part(s[i + 1 : close], "single", i, close + 1, tuple(range(i + 1, close))))
                self.i = close + 1
            elif c == '"' or (c == "$" and s.startswith('"', i + 1)):
                dynamic |= self._double(parts, flush, i + (c == "$"))
            elif c == "$" and s.startswith("'", i + 1):  # $'...': ANSI-C quoting, no expansion inside
                end = _closing(s, i + 2, "'", i, "a $'...' quote")
                add("single", i + 2, end - 1)
                self.i = end
            elif c == "$" or c == "`" or (c in "<>" and s.startswith("(", i + 1)):
                end = _skip_expansion(s, i)
                if end == i + 1:  # a lone $ is a literal dollar sign
                    bare.append((c, i))
                else:
                    dynamic = True
                    bare.extend((s[k], k) for k in range(i, end))
                self.i = end
            else:
                bare.append((c, i))
                self.i += 1
        flush()
        value = "".join(p.text for p in parts)
        word = ShellWord(value, start, self.i, tuple(parts), dynamic)
        return Token("word", s[start : self.i], start, self.i, word)

    def _double(self, parts: list[Part], flush: object, opening: int) -> bool:
        """Read "..." at `opening` into `parts`; True when it holds an expansion."""
        s = self.s
        assert callable(flush)
        flush()
        dynamic = False
        chars: list[tuple[str, int]] = []
        count = len(parts)

        def run() -> None:
            if chars:
                offsets = tuple(k for _, k in chars)
                parts.append(Part("".join(c for c, _ in chars), "double", offsets[0], offsets[-1] + 1, offsets))
                chars.clear()

        i = opening + 1
        while i < len(s):
            c = s[i]
            if c == '"':
                run()
                if len(parts) == count:
                    parts.append(Part("", "double", opening, i + 1, ()))
                self.i = i + 1
                return dynamic
            if c == "\\" and i + 1 < len(s) and s[i + 1] in '$`"\\\n':
                run()
                if s[i + 1] != "\n":
                    parts.append(Part(s[i + 1], "escape", i, i + 2, (i + 1,)))
                i += 2
            elif c in "$`":
                end = _skip_expansion(s, i)
                dynamic |= end > i + 1
                chars.extend((s[k], k) for k in range(i, end))
                i = end
            else:
                chars.append((c, i))
                i += 1
        raise ScriptSyntaxError(s, opening, 'a double quote (") that is never closed')


def _closing(s: str, i: int, quote: str, opening: int, what: str) -> int:
    """The index after the `quote` that closes the text starting at `i`, past backslash escapes."""
    k = i
    while k < len(s):
        if s[k] == "\\":
            k += 2
        elif s[k] == quote:
            return k + 1
        else:
            k += 1
    raise ScriptSyntaxError(s, opening, f"{what} that is never closed")


def _skip_expansion(s: str, i: int, nesting: int = 0) -> int:
    """The index after the expansion starting at `i` (`$NAME`, `${...}`, `$(...)`, `` `...` ``, `<(...)`).

    `nesting` counts the expansions it is in; past `MAX_NESTING` it raises `ScriptTooDeep`.
    """
    c = s[i]
    if c == "`":
        return _closing(s, i + 1, "`", i, "a backquote (`)")
    nxt = s[i + 1 : i + 2]
    if c in "<>" or nxt in ("(", "{"):
        if nesting >= MAX_NESTING:
            raise ScriptTooDeep(s, i)
        if c in "<>" or nxt == "(":
            return _skip_balanced(s, i + 1, "(", ")", nesting + 1)
        return _skip_balanced(s, i + 1, "{", "}", nesting + 1)
    if nxt and (nxt.isalnum() or nxt == "_"):
        k = i + 1
        if nxt.isdigit():
            return k + 1
        while k < len(s) and (s[k].isalnum() or s[k] == "_"):
            k += 1
        return k
    if nxt and nxt in "@*#?$!-":
        return i + 2
    return i + 1


def _skip_balanced(s: str, i: int, opening: str, closing: str, nesting: int = 0) -> int:
    """The index after the `closing` that matches the `opening` at `i`, skipping quoted text (`nesting`:
    the expansions it is in)."""
    depth, k = 0, i
    while k < len(s):
        c = s[k]
        if c == "\\":
            k += 2
            continue
        if c == "'" and opening == "(":
            close = s.find("'", k + 1)
            if close < 0:
                break
            k = close + 1
            continue
        if c == '"':
            k += 1
            while k < len(s) and s[k] != '"':
                k += 2 if s[k] == "\\" else 1
            k += 1
            continue
        if c == "$" and s.startswith(("(", "{"), k + 1):
            k = _skip_expansion(s, k, nesting)
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    raise ScriptSyntaxError(s, i, f"a {opening!r} that is never closed")


class _Parser:
    def __init__(self, script: str, tokens: list[Token]) -> None:
        self.script = script
        self.tokens = tokens
        self.at = 0
        self.depth = 0  # the commands being read, one inside another

    # --- looking at tokens ---

    def peek(self, ahead: int = 0) -> Token | None:
        k = self.at + ahead
        return self.tokens[k] if k < len(self.tokens) else None

    def reserved(self, token: Token | None) -> str | None:
        """The reserved word a token is, when it stands unquoted where a command starts."""
        if token is None or token.kind != "word" or token.word is None or token.word.quoted:
            return None
        return token.text if token.text in _RESERVED else None

    def is_op(self, token: Token | None, *ops: str) -> bool:
        return token is not None and token.kind == "op" and token.text in ops

    def skip_newlines(self) -> None:
        while (t := self.peek()) is not None and t.kind == "newline":
            self.at += 1

    def expect_word(self, word: str, opened_at: int, construct: str) -> Token:
        self.skip_newlines()
        token = self.peek()
        if self.reserved(token) != word:
            raise ScriptSyntaxError(self.script, opened_at, f"{construct} without {word!r}")
        self.at += 1
        assert token is not None
        return token

    # --- the grammar ---

    def sequence(self, stop: frozenset[str]) -> list[AndOr]:
        items: list[AndOr] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None or self.reserved(token) in stop or self.is_op(token, ")", ";;", ";&", ";;&"):
                return items
            if self.is_op(token, ";", "&"):
                raise ScriptSyntaxError(self.script, token.start, f"unexpected {token.text!r}")
            item = self.and_or()
            following = self.peek()
            if following is not None and (following.kind == "newline" or self.is_op(following, ";", "&")):
                item.terminator = following.text
                self.at += 1
            items.append(item)
            if (
                following is not None
                and item.terminator is None
                and not (self.reserved(following) in stop or self.is_op(following, ")", ";;", ";&", ";;&"))
            ):
                raise ScriptSyntaxError(self.script, following.start, f"unexpected {following.text!r}")

    def joiner(self, *ops: str) -> Token | None:
        """The operator here, if it is one of `ops`, taken with the newlines after it."""
        token = self.peek()
        if token is None or not self.is_op(token, *ops):
            return None
        self.at += 1
        self.skip_newlines()
        return token

    def and_or(self) -> AndOr:
        pipelines = [self.pipeline()]
        ops: list[str] = []
        while (token := self.joiner("&&", "||")) is not None:
            ops.append(token.text)
            pipelines.append(self.pipeline())
        return AndOr(pipelines, ops, None, pipelines[0].start, pipelines[-1].end)

    def pipeline(self) -> Pipeline:
        first = self.peek()
        negated = self.reserved(first) == "!"
        if negated:
            self.at += 1
        commands = [self.command()]
        pipes: list[int] = []
        while (token := self.joiner("|", "|&")) is not None:
            pipes.append(token.start)
            commands.append(self.command())
        start = first.start if first is not None else 0
        return Pipeline(commands, negated, pipes, start, commands[-1].end)

    def command(self) -> Command:
        """A command; every way the grammar nests (groups, compound commands, functions) comes back here."""
        token = self.peek()
        if token is None:
            raise ScriptSyntaxError(self.script, len(self.script), "a command is missing at the end")
        if self.depth >= MAX_NESTING:
            raise ScriptTooDeep(self.script, token.start)
        self.depth += 1
        try:
            return self._command(token)
        finally:
            self.depth -= 1

    def _command(self, token: Token) -> Command:
        word = self.reserved(token)
        if self.is_op(token, "("):
            second = self.peek(1)
            if second is not None and self.is_op(second, "(") and second.start == token.end:
                raise UnsupportedScript("arithmetic commands (( ))")
            return self.group("subshell", ")")
        if word in ("if", "while", "until"):
            return self.conditional(word, token.start)
        if word in ("for", "select"):
            return self.loop(word, token.start)
        if word == "case":
            return self.case(token.start)
        if word == "{":
            return self.group("brace", "}")
        if word == "function" or (
            token.kind == "word" and self.is_op(self.peek(1), "(") and self.is_op(self.peek(2), ")")
        ):
            return self.function(token.start)
        if word in ("then", "elif", "else", "fi", "do", "done", "esac", "}", "in"):
            raise ScriptSyntaxError(self.script, token.start, f"unexpected {word!r}")
        if token.kind != "word" and not (token.kind == "op" and _redirect_op(token.text)):
            raise ScriptSyntaxError(self.script, token.start, f"unexpected {token.text!r}")
        return self.simple()

    def simple(self) -> Simple:
        words: list[ShellWord] = []
        assignments: list[ShellWord] = []
        redirects: list[Redirect] = []
        start = self.tokens[self.at].start
        end = start
        in_test = False
        while (token := self.peek()) is not None:
            if token.kind == "word":
                assert token.word is not None
                if not words and not in_test and _ASSIGNMENT.match(token.text) and not token.text.startswith("="):
                    assignments.append(token.word)
                else:
                    if not words and token.text == "[[":
                        in_test = True
                    elif in_test and token.text == "]]" and not token.word.quoted:
                        in_test = False
                    words.append(token.word)
                end = token.end
                self.at += 1
            elif token.kind == "op" and in_test and token.text not in (";",):
                words.append(ShellWord(token.text, token.start, token.end, (), False))
                end = token.end
                self.at += 1
            elif token.kind == "op" and _redirect_op(token.text):
                redirects.append(self.redirect())
                end = self.end_of()
            else:
                break
        return Simple(words, assignments, redirects, start, end)

    def redirect(self) -> Redirect:
        """The redirection here: its operator and the word after it."""
        token = self.tokens[self.at]
        self.at += 1
        target = self.peek()
        if target is None or target.kind != "word":
            raise ScriptSyntaxError(self.script, token.start, f"a redirection {token.text!r} without a target")
        self.at += 1
        return Redirect(token.text, target.word, token.start)

    def redirects(self) -> list[Redirect]:
        found: list[Redirect] = []
        while (token := self.peek()) is not None and token.kind == "op" and _redirect_op(token.text):
            found.append(self.redirect())
        return found

    def end_of(self) -> int:
        return self.tokens[self.at - 1].end if self.at else 0

    def group(self, kind: str, closing: str) -> Compound:
        opening = self.tokens[self.at]
        self.at += 1
        items = self.sequence(stop=frozenset({"}"}) if closing == "}" else frozenset())
        self.skip_newlines()
        token = self.peek()
        if closing == ")" and self.is_op(token, ")") or closing == "}" and self.reserved(token) == "}":
            self.at += 1
        else:
            raise ScriptSyntaxError(self.script, opening.start, f"a {opening.text!r} that is never closed")
        compound = Compound(kind, [("items", items)], opening.start, self.end_of())
        compound.redirects = self.redirects()
        return compound

    def conditional(self, word: str, start: int) -> Compound:
        self.at += 1
        parts: list[tuple[str, list[AndOr]]] = []
        if word == "if":
            parts.append(("condition", self.sequence(stop=frozenset({"then"}))))
            self.expect_word("then", start, "'if'")
            parts.append(("body", self.sequence(stop=frozenset({"elif", "else", "fi"}))))
            while self.reserved(self.peek()) == "elif":
                self.at += 1
                parts.append(("condition", self.sequence(stop=frozenset({"then"}))))
                self.expect_word("then", start, "'elif'")
                parts.append(("body", self.sequence(stop=frozenset({"elif", "else", "fi"}))))
            if self.reserved(self.peek()) == "else":
                self.at += 1
                parts.append(("else", self.sequence(stop=frozenset({"fi"}))))
            self.expect_word("fi", start, "'if'")
        else:
            parts.append(("condition", self.sequence(stop=frozenset({"do"}))))
            self.expect_word("do", start, f"{word!r}")
            parts.append(("body", self.sequence(stop=frozenset({"done"}))))
            self.expect_word("done", start, f"{word!r}")
        compound = Compound(word, parts, start, self.end_of())
        compound.redirects = self.redirects()
        return compound

    def loop(self, word: str, start: int) -> Compound:
        self.at += 1
        name = self.peek()
        if name is None or name.kind != "word":
            if self.is_op(name, "("):
                raise UnsupportedScript("arithmetic for loops")
            raise ScriptSyntaxError(self.script, start, f"{word!r} without a variable name")
        self.at += 1
        self.skip_newlines()
        if self.reserved(self.peek()) == "in":
            self.at += 1
            while (token := self.peek()) is not None and token.kind == "word":
                self.at += 1
        if self.is_op(self.peek(), ";"):
            self.at += 1
        self.expect_word("do", start, f"{word!r}")
        body = self.sequence(stop=frozenset({"done"}))
        self.expect_word("done", start, f"{word!r}")
        compound = Compound(word, [("body", body)], start, self.end_of())
        compound.redirects = self.redirects()
        return compound

    def case(self, start: int) -> Compound:
        self.at += 1
        if (subject := self.peek()) is None or subject.kind != "word":
            raise ScriptSyntaxError(self.script, start, "'case' without a word")
        self.at += 1
        self.expect_word("in", start, "'case'")
        bodies: list[tuple[str, list[AndOr]]] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None:
                raise ScriptSyntaxError(self.script, start, "'case' without 'esac'")
            if self.reserved(token) == "esac":
                self.at += 1
                break
            if self.is_op(token, "("):
                self.at += 1
            while (token := self.peek()) is not None and not self.is_op(token, ")"):  # the patterns
                self.at += 1
            if token is None:
                raise ScriptSyntaxError(self.script, start, "'case' without 'esac'")
            self.at += 1
            bodies.append(("body", self.sequence(stop=frozenset({"esac"}))))
            if self.is_op(self.peek(), ";;", ";&", ";;&"):
                self.at += 1
        compound = Compound("case", bodies, start, self.end_of())
        compound.redirects = self.redirects()
        return compound

    def function(self, start: int) -> Compound:
        if self.reserved(self.peek()) == "function":
            self.at += 1
        self.at += 1  # the name
        if self.is_op(self.peek(), "(") and self.is_op(self.peek(1), ")"):
            self.at += 2
        self.skip_newlines()
        body = self.command()
        if not isinstance(body, Compound):
            raise ScriptSyntaxError(self.script, start, "a function without a body")
        item = AndOr([Pipeline([body], False, [], body.start, body.end)], [], None, body.start, body.end)
        return Compound("function", [("items", [item])], start, body.end)


def _redirect_op(text: str) -> bool:
    return text.lstrip("0123456789") in _REDIRECTS
