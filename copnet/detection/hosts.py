"""Host names to ASCII: the one IDN rule of COPNet (no Django imports).

IDNA 2008 with the UTS 46 mapping, non-transitional, as browsers apply it (WHATWG URL "domain to
ASCII"): `straße.de` is `xn--strae-oqa.de` (IDNA 2003, Python's "idna" codec, made it
`strasse.de`, another site), full-width letters and dots are folded (`ＥＸＡＭＰＬＥ。com` is
`example.com`), upper case is lowered. A label already in punycode ("xn--") must decode and
encode back to itself. Plain ASCII labels are kept as they are (lower-cased), so real hosts such
as `r3---sn-abc.googlevideo.com` or `my_site.example` still work; `strict=True` (the platform
registry) allows only letters, digits and hyphens there.

Report matching (`copnet.core.urlnorm`), the platform registry, the feed, the verification
fetcher and the Safe Browsing canonicalisation (`urls`) all call `host_to_ascii`, so one host is
written the same way everywhere.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

import idna

MAX_HOST_LENGTH = 253  # DNS, without the final dot
MAX_LABEL_LENGTH = 63
# Never in a host (WHATWG forbidden host code points), plus controls and space.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|]")
_LDH = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")


class HostError(ValueError):
    """A host name that cannot be written in ASCII. `code`: "empty", "forbidden_character",
    "format_character", "bad_idn", "bad_punycode", "empty_label", "label_too_long", "too_long",
    "not_ldh"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def host_to_ascii(host: str, *, strict: bool = False) -> str:
    """`host` (Unicode or punycode, one final dot allowed) in lower-case ASCII; HostError when
    refused. No port, scheme or path: those are refused as forbidden characters."""
    if not isinstance(host, str):
        raise HostError("empty", "the host name is not text")
    text = host.strip()
    if text.endswith((".", "\u3002", "\uff0e", "\uff61")):  # the DNS root, in any script
        text = text[:-1]
    if not text:
        raise HostError("empty", "the host name is empty")
    if text.isascii():
        mapped = text.lower()
    else:
        # UTS 46 would silently drop a zero-width space or a soft hyphen: refuse them instead,
        # they only serve to disguise a host (the joiners are judged by IDNA's own rules).
        if any(unicodedata.category(c) == "Cf" and c not in "\u200c\u200d" for c in text):
            raise HostError("format_character", "the host name has invisible characters")
        try:
            mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise HostError("bad_idn", f"not a valid international host name: {exc}") from None
    labels = [_ascii_label(label) for label in mapped.split(".")]
    result = ".".join(labels)
    if len(result) > MAX_HOST_LENGTH:
        raise HostError("too_long", f"a host name has at most {MAX_HOST_LENGTH} characters")
    if strict:
        for label in labels:
            if not _LDH.fullmatch(label):
                raise HostError("not_ldh", f"{label!r} has characters a host name cannot have")
    return result


def _ascii_label(label: str) -> str:
    if not label:
        raise HostError("empty_label", "the host name has an empty part (two dots in a row)")
    if label.isascii():
        if _FORBIDDEN.search(label):
            raise HostError("forbidden_character", "the host name has a forbidden character")
        if label.startswith("xn--"):
            try:
                again = idna.alabel(idna.ulabel(label)).decode("ascii")
            except (idna.IDNAError, UnicodeError, ValueError):
                raise HostError("bad_punycode", f"{label!r} is not valid punycode") from None
            if again != label:
                raise HostError("bad_punycode", f"{label!r} is not valid punycode")
    else:
        if len(label.encode("punycode")) + len("xn--") > MAX_LABEL_LENGTH:
            raise HostError(
                "label_too_long", f"a part of a host name has at most {MAX_LABEL_LENGTH}"
            )
        try:
            label = idna.alabel(label).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise HostError("bad_idn", f"not a valid international host name: {exc}") from None
    if len(label) > MAX_LABEL_LENGTH:
        raise HostError("label_too_long", f"a part of a host name has at most {MAX_LABEL_LENGTH}")
    return label


def host_to_unicode(host: str) -> str:
    """For people: each valid punycode label shown in Unicode; anything else left as it is."""
    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            with contextlib.suppress(idna.IDNAError, UnicodeError, ValueError):
                label = idna.ulabel(label.lower())
        labels.append(label)
    return ".".join(labels)
