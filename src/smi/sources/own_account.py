"""Whose export is this? For platform exports that do not name the account (LinkedIn Page
analytics, YouTube Studio), in this order:

1. `--account` (`@ourpage`, `ourpage` or `linkedin:@ourpage`);
2. the one official account of that platform the workspace profile declares;
3. a name the export itself carries (e.g. a YouTube Studio zip's channel name);
4. a placeholder `<platform>:unnamed`, with a warning that says how to name it.

Not a source itself.
"""

from __future__ import annotations

from smi.errors import SmiError
from smi.platforms import PLATFORMS, account_id, normalise_handle, normalise_platform
from smi.sources.base import ImportContext

PLACEHOLDER = "unnamed"


def _from_option(platform: str, text: str) -> str:
    head, sep, tail = text.partition(":")
    if sep and normalise_platform(head) is not None and not head.startswith("@"):
        if normalise_platform(head) != platform:
            raise SmiError(
                f"--account {text} names a {head} account, but this is a {platform} export",
                fix=f"give --account {platform}:@handle, or import the {platform} export on its own",
            )
        text = tail
    handle = normalise_handle(platform, text)
    if not handle:
        raise SmiError(f"--account '{text}' has no handle", fix=f"write e.g. --account {platform}:@ourpage")
    return handle


def resolve(platform: str, ctx: ImportContext, *, named: str | None = None, what: str = "page") -> str:
    """The handle (normalised) the export belongs to; warns when it has to guess."""
    opts = ctx.options
    if opts.account:
        return _from_option(platform, opts.account)
    profile = opts.profile
    if profile is not None:
        own = [h for p, h in profile.official_accounts() if p == platform]
        if len(own) == 1:
            return own[0]
    if named:
        h = normalise_handle(platform, named)
        if h:
            return h
    ctx.warn(
        f"the export does not name the {PLATFORMS[platform]} {what}: its rows are stored under "
        f"{account_id(platform, PLACEHOLDER)}; before importing, declare the {what} with "
        f"`smi accounts add {platform}:@yourhandle` or give `--account @yourhandle`"
    )
    return PLACEHOLDER
