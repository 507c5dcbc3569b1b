"""Whose export is this? For platform exports that do not name the account (LinkedIn Page
analytics, YouTube Studio), in this order:

1. `--account` (`@ourpage`, `ourpage` or `linkedin:@ourpage`): `from_option`;
2. the one official account of that platform the workspace profile declares: `from_profile`;
3. a name the export itself carries (e.g. a YouTube Studio zip's channel name);
4. a placeholder `<platform>:unnamed`, with a warning that says how to name it.

Not a source itself.
"""

from __future__ import annotations

from smi.canonical import PLACEHOLDER_HANDLE
from smi.errors import SmiError, SourceError
from smi.platforms import PLATFORMS, account_id, normalise_handle, normalise_platform
from smi.sources.base import ImportContext, ImportOptions

PLACEHOLDER = PLACEHOLDER_HANDLE


def _from_option(platform: str, text: str) -> str:
    head, sep, tail = text.partition(":")
    if sep and normalise_platform(head) is not None and not head.startswith("@"):
        if normalise_platform(head) != platform:
            raise SmiError(
                f"--account {text} names a {head} account, not a {platform} account: this is a {platform} export",
                fix=f"give --account {platform}:@handle, or import the {platform} export on its own",
            )
        text = tail
    handle = normalise_handle(platform, text)
    if not handle:
        raise SmiError(f"--account '{text}' has no handle", fix=f"write e.g. --account {platform}:@ourpage")
    return handle


def from_option(platform: str, options: ImportOptions, file: str | None = None) -> str | None:
    """The handle given with `--account`, or None. An error names `file` when given."""
    if not options.account:
        return None
    try:
        return _from_option(platform, options.account)
    except SmiError as e:
        if file is None:
            raise
        raise SourceError(file, e.message, fix=e.fix) from None


def from_profile(platform: str, options: ImportOptions) -> str | None:
    """The one official account of `platform` the workspace profile declares, or None."""
    if options.profile is None:
        return None
    own = [h for p, h in options.profile.official_accounts() if p == platform]
    return own[0] if len(own) == 1 else None


def resolve(platform: str, ctx: ImportContext, *, named: str | None = None, what: str = "page") -> str:
    """The handle (normalised) the export belongs to; warns when it has to guess."""
    chosen = from_option(platform, ctx.options) or from_profile(platform, ctx.options)
    if chosen:
        return chosen
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
