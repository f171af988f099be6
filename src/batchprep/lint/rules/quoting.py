"""Quoting that breaks: quotes never closed, and a `'` that ends a `sh -c '...'` script early; and
scripts that cannot be read: with a syntax error, or nested too deep to analyse.

The node splits the command line with POSIX quoting rules before anything runs. A quote that is
never closed leaves it nothing sensible to split; a `'` inside a single-quoted script closes the
quote, so the shell receives half of the script and the rest becomes its `$0`, `$1`...
"""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.cmdline.script import MAX_NESTING, ScriptTooDeep
from batchprep.cmdline.split import where
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register
from batchprep.redact import mask_text

__all__ = ["BrokenScriptQuoting", "ScriptSyntax", "ScriptTooDeepToAnalyse", "UnbalancedQuotes"]


@register
class UnbalancedQuotes(Rule):
    code = "BP105"
    name = "unbalanced-quotes"
    severity = "warning"
    summary = "a quote that is never closed, in the command line or in a shell's script"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        error = task.split_error
        if error is not None:
            kind = "single" if error.quote == "'" else "double"
            yield Hit(
                "/commandLine",
                f"the {kind} quote ({error.quote}) at {where(error.text, error.position)} is never closed: the node "
                "cannot split the command line into the words you meant, and the task fails",
                error.position,
            )
        yield from _script_errors(task, quotes=True)


@register
class ScriptSyntax(Rule):
    code = "BP107"
    name = "script-syntax-error"
    severity = "warning"
    summary = "a shell's script that the shell cannot read: an if without fi, a ( never closed..."

    def check(self, task: TaskContext) -> Iterator[Hit]:
        yield from _script_errors(task, quotes=False)


@register
class BrokenScriptQuoting(Rule):
    code = "BP106"
    name = "broken-script-quoting"
    severity = "warning"
    summary = "a quote inside a sh -c '...' script that ends the script's quoting early"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        shell = task.shell
        word = shell.script_word if shell is not None else None
        if shell is None or word is None:
            return
        kinds = [p.quoting for p in word.parts]
        if "single" not in kinds and "double" not in kinds:
            return
        for before, part in zip(word.parts, word.parts[1:], strict=False):
            if part.quoting == "none" and part.text and before.quoting in ("single", "double"):
                rest = mask_text("".join(w.value for w in shell.arguments[:1]))
                extra = f", and {rest!r} becomes its $0" if rest else ""
                # masked before it is cut: half a signature would no longer be recognised as one
                yield Hit(
                    "/commandLine",
                    f"the quote before {mask_text(part.text)[:20]!r} ends the script's quoting: {shell.shell} receives "
                    f"the script {mask_text(word.value)!r}{extra}; inside '...' write a quote as '\\''",
                    part.offsets[0],
                )
                return


@register
class ScriptTooDeepToAnalyse(Rule):
    code = "BP109"
    name = "script-too-deep"
    severity = "info"
    summary = f"a shell's script nested more than {MAX_NESTING} levels deep, which the rules do not analyse"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for view in task.scripts:
            if isinstance(view.unsupported, ScriptTooDeep):
                position = view.unsupported.position
                yield Hit(
                    "/commandLine",
                    f"{view.invocation.shell}'s script nests more than {MAX_NESTING} levels deep ($(...), ( ), {{ }}, "
                    f"if...) at {where(view.text, position)} of the script: batchprep does not analyse it, so the "
                    "behaviour rules say nothing about it",
                    view.to_line(position),
                )


def _script_errors(task: TaskContext, *, quotes: bool) -> Iterator[Hit]:
    """The scripts' syntax errors: those about quotes, or all the others."""
    for view in task.scripts:
        if view.error is not None and ("quote" in str(view.error)) is quotes:
            yield Hit(
                "/commandLine",
                f"{view.invocation.shell} cannot read its script: {view.error} of the script; "
                "the task fails with a syntax error",
                view.to_line(view.error.position),
            )
