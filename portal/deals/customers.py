"""A customer's identity, normalised so that two spellings of one company meet.

The conflict check compares deals on four keys: the company name without legal form or
punctuation, the web domain (from the contact's email unless it is a free-mail address), the VAT
number without spaces or dots, and the contact's email.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Legal forms dropped from company names ("ACME GmbH" and "Acme" are one customer).
LEGAL_FORMS = frozenset(
    [
        "ab",
        "ag",
        "as",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "limited",
        "llc",
        "llp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pte",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    ]
)
#: Domains many unrelated people share: a domain match there says nothing.
FREE_MAIL = frozenset(
    [
        "aol.com",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    ]
)


def company_key(name: str) -> str:
    """``"ACME, Inc."`` → ``"acme"``; accents folded, legal forms and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded.replace("&", " and "))
    kept = [word for word in words if word not in LEGAL_FORMS]
    return " ".join(kept or words)


def email_domain(email: str) -> str:
    """The email's domain unless it is a free-mail one (then ``""``)."""
    domain = email.strip().lower().rpartition("@")[2].removeprefix("www.")
    return "" if domain in FREE_MAIL else domain


def vat_key(vat: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", vat.upper())


@dataclass(frozen=True)
class CustomerKeys:
    company: str
    domain: str
    vat: str
    email: str

    @classmethod
    def of(cls, customer: str, contact_email: str, vat_number: str) -> CustomerKeys:
        email = contact_email.strip().lower()
        return cls(company_key(customer), email_domain(email), vat_key(vat_number), email)
