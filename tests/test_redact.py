"""Masking secrets in free text: a SAS signature ends where a command line or a message goes on, URL
credentials and storage keys are hidden too, and nothing else of the text is lost."""

from __future__ import annotations

import pytest

import batchprep as bp
from batchprep.errors import excerpt
from batchprep.redact import mask_sas_signature, mask_secrets, mask_text, mask_url_credentials


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("https://a/f?sv=1&sig=abc%2Fdef", "https://a/f?sv=1&sig=***"),
        ("https://a/f?sig=abc&sv=1#part", "https://a/f?sig=***&sv=1#part"),
        # In a command line or a message the signature ends where the URL does.
        ("curl https://a/f?sig=abc -o f; tar xf f", "curl https://a/f?sig=*** -o f; tar xf f"),
        ("if 'curl https://a/f?sig=abc' fails, the next commands run", "if 'curl https://a/f?sig=***' fails, the next commands run"),
        ('"https://a/f?sig=abc"', '"https://a/f?sig=***"'),
        ("(https://a/f?sig=abc)", "(https://a/f?sig=***)"),
        ("https://a/f?sig=abc;echo", "https://a/f?sig=***;echo"),
        ("https://a/f?sig=abc|tar x", "https://a/f?sig=***|tar x"),
        ("https://a/f?sig=abc>out <in", "https://a/f?sig=***>out <in"),
        ("https://a/f?sig=abc\tnext", "https://a/f?sig=***\tnext"),
        # A SAS token on its own, as azcopy and az take it.
        ("--sas-token 'sig=abc&sv=1'", "--sas-token 'sig=***&sv=1'"),
        # Not a signature: a word ending in sig.
        ("config=1 mysig=x", "config=1 mysig=x"),
    ],
)
def test_a_signature_ends_where_the_url_does(text: str, masked: str) -> None:
    assert mask_sas_signature(text) == masked
    assert mask_sas_signature(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("https://user:token@host/repo.git", "https://user:***@host/repo.git"),
        ("git clone https://build:s3cr3t@dev.example.com/r.git src", "git clone https://build:***@dev.example.com/r.git src"),
        ("https://ghp_abcdef@github.com/org/repo", "https://***@github.com/org/repo"),
        ("'ftp://u:p@h/f'", "'ftp://u:***@h/f'"),
        # No user information: nothing to hide.
        ("https://host:8080/path@v2", "https://host:8080/path@v2"),
        ("mail me at someone@example.com", "mail me at someone@example.com"),
    ],
)
def test_url_credentials(text: str, masked: str) -> None:
    assert mask_url_credentials(text) == masked
    assert mask_url_credentials(masked) == masked


def test_mask_text_hides_every_kind_of_secret_in_a_command_line() -> None:
    line = (
        "/bin/sh -c 'az storage blob download --connection-string \"AccountName=a;AccountKey=a2V5==;\" -n f "
        "&& curl -o t \"https://a/t?sv=1&sig=SIG1\" && git clone https://u:TOKEN@h/r.git'"
    )
    shown = mask_text(line)
    assert "a2V5" not in shown and "SIG1" not in shown and "TOKEN" not in shown
    assert shown == line.replace("a2V5==", "***").replace("SIG1", "***").replace("TOKEN", "***")


def test_repr_and_error_messages_mask_url_credentials() -> None:
    task = bp.JobPreparationTask(command_line="git clone https://u:TOKEN@h/r.git src && ./x")
    assert "TOKEN" not in repr(task) and "https://u:***@h/r.git src && ./x" in repr(task)
    files = bp.ResourceFile(http_url="https://u:TOKEN@h/f?sig=SIG", file_path="f")
    assert "TOKEN" not in repr(files) and "SIG" not in repr(files)
    assert mask_secrets({"v": "https://u:TOKEN@h"}) == {"v": "https://u:***@h"}


def test_a_value_quoted_in_an_error_is_masked_before_it_is_cut() -> None:
    long = "curl https://a/f?sv=1&sig=" + "S" * 80
    assert excerpt(long) == "'curl https://a/f?sv=1&sig=***'"
    [problem] = bp.JobPreparationTask(command_line=[long]).validate()  # type: ignore[arg-type]
    assert problem.message == "expected str, found array ['curl https://a/f?sv=1&sig=***']"
