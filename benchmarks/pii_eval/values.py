"""Synthetic PII values for the evaluation set: random, seeded, and made up for this project.

Numbers are drawn at random (checksum-valid where the rule needs it: Luhn cards, BRN, half of the
RRNs); names are combined from common syllables and surnames, so no real person's data is in here.
Each generator returns ``(surface, value)``: the surface is how the value is typed in chat
(hyphens, spaces, full-width, Hangul numerals, …), the value is what must not survive.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


HANGUL_DIGIT = dict(zip("0123456789", "공일이삼사오육칠팔구", strict=True))
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + digits(rng, length - len(prefix) - 1)
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def phone(rng: random.Random, variant: str) -> tuple[str, str]:
    mid, last = digits(rng, 4), digits(rng, 4)
    if variant == "landline":
        area = rng.choice(["02", "031", "032", "051", "053", "062", "064"])
        mid = str(rng.randint(2, 9)) + digits(rng, 2)
        s = f"{area}-{mid}-{last}"
        return s, s
    if variant == "uan":
        s = f"{rng.choice(['1588', '1577', '1644', '1899'])}-{last}"
        return s, s
    base = f"010-{mid}-{last}"
    forms = {
        "hyphen": base,
        "plain": base.replace("-", ""),
        "space": base.replace("-", " "),
        "dot": base.replace("-", "."),
        "intl": f"+82 10-{mid}-{last}",
        "fullwidth": base.translate(FULLWIDTH),
        "spaced": " ".join(base.replace("-", "")),
        "zwsp": base.replace("-", "\u200b"),
        "hangul": " ".join("".join(HANGUL_DIGIT[c] for c in g) for g in base.split("-")),
        "mixed": f"010-{''.join(HANGUL_DIGIT[c] for c in mid)}-{last}",
    }
    return forms[variant], base


def rrn(rng: random.Random, variant: str) -> tuple[str, str]:
    year = rng.randint(1950, 2019)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    foreign = variant == "frn"
    g = (1 if year < 2000 else 3) + rng.randint(0, 1) + (4 if foreign else 0)
    front = f"{year % 100:02d}{month:02d}{day:02d}"
    body = front + str(g) + digits(rng, 5)
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(w * int(d) for w, d in zip(weights, body, strict=True))
    check = ((13 if foreign else 11) - total % 11) % 10
    number = body + (str(check) if variant != "post2020" else digits(rng, 1))
    base = f"{number[:6]}-{number[6:]}"
    forms = {"hyphen": base, "frn": base, "post2020": base, "plain": number,
             "space": f"{number[:6]} {number[6:]}", "fullwidth": base.translate(FULLWIDTH)}  # fmt: skip
    return forms[variant], base


def card(rng: random.Random, variant: str) -> tuple[str, str]:
    if variant == "amex":
        n = luhn_complete(rng.choice(["34", "37"]), 15, rng)
        s = f"{n[:4]} {n[4:10]} {n[10:]}"
        return s, n
    prefix = {"visa": "4", "mc2": "2221", "domestic": "94", "plain": "5", "hyphen": "4"}[variant]
    n = luhn_complete(prefix + digits(rng, 1), 16, rng)
    groups = [n[i : i + 4] for i in range(0, 16, 4)]
    sep = {"plain": "", "hyphen": "-"}.get(variant, " ")
    return sep.join(groups), n


def account(rng: random.Random, variant: str) -> tuple[str, str]:
    shapes = {
        "kakao": f"3333-{digits(rng, 2)}-{digits(rng, 7)}",
        "shinhan": f"110-{digits(rng, 3)}-{digits(rng, 6)}",
        "woori": f"1002-{digits(rng, 3)}-{digits(rng, 6)}",
        "nh": f"302-{digits(rng, 4)}-{digits(rng, 4)}-{digits(rng, 2)}",
        "kb": f"{digits(rng, 6)}-{digits(rng, 2)}-{digits(rng, 6)}",
    }
    if variant == "plain":
        s = shapes["kb"].replace("-", "")
        return s, s
    if variant == "space":
        s = shapes["shinhan"].replace("-", " ")
        return s, s
    s = shapes[variant]
    return s, s


def brn(rng: random.Random, variant: str) -> tuple[str, str]:
    while True:
        body = str(rng.randint(101, 999)) + digits(rng, 6)
        d = [int(c) for c in body]
        total = (
            sum(w * x for w, x in zip((1, 3, 7, 1, 3, 7, 1, 3, 5), d, strict=True)) + d[8] * 5 // 10
        )
        n = body + str((10 - total % 10) % 10)
        s = f"{n[:3]}-{n[3:5]}-{n[5:]}"
        return (s if variant == "hyphen" else n), s


def passport(rng: random.Random, variant: str) -> tuple[str, str]:
    letter = rng.choice("MS")
    if variant == "old":
        s = letter + digits(rng, 8)
    else:
        s = f"{letter}{digits(rng, 3)}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{digits(rng, 4)}"
    return s, s


def license_no(rng: random.Random, variant: str) -> tuple[str, str]:
    region = rng.randint(11, 28)
    s = f"{region}-{digits(rng, 2)}-{digits(rng, 6)}-{digits(rng, 2)}"
    if variant == "region":
        name = rng.choice(["서울", "부산", "경기", "대구"])
        s = f"{name} {s[3:]}"
    return s, s


SURNAMES = _words("김 이 박 최 정 강 조 윤 장 임 한 오 신 권 황 송 홍 유 고 문")
EMAIL_DOMAINS = ["naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com"]


# Popular given names (no surname), one pool per split so test names are unseen in dev.
GIVEN = {
    "dev": _words(
        "민준 서준 도윤 예준 시우 하준 주원 지호 지후 준우 준서 건우 도현 현우 지훈 우진 선우 서진 "
        "민재 현준 연우 유준 정우 승우 승현 시윤 준혁 은우 지환 승민 서윤 지우 서현 민서 하은 하윤 "
        "윤서 지민 채원 지유 수아 지아 다은 은서 예은 수빈 소율 예린 지원 혜인 경민 보영 상훈 미경"
    ),
    "test": _words(
        "하린 채은 가은 윤아 예서 수민 소윤 지윤 다인 유나 시은 나연 혜원 소연 아린 서아 태윤 "
        "은호 민성 동현 성민 재원 태민 승준 한결 시후 이준 규민 재민 동욱 진우 형준 상우 영재 종현 "
        "태현 우현 민규 성진 정민 다현 수진 은지 현아 세영 지혜 예지 주희 미나 선영 인호 정훈 석진"
    ),
}


def given_name(rng: random.Random, split: str = "dev") -> str:
    return rng.choice(GIVEN[split])


def email(rng: random.Random, variant: str) -> tuple[str, str]:
    local = (
        rng.choice(["min", "seo", "jun", "ha", "yu", "ji", "do"])
        + rng.choice(["ji", "na", "ho", "bin", "woo"])
        + digits(rng, 2)
    )
    domain = rng.choice(EMAIL_DOMAINS)
    if variant == "spelled":
        host = domain.split(".")[0]
        return f"{local} 골뱅이 {host} 닷컴", local
    return f"{local}@{domain}", local


def url(rng: random.Random, variant: str) -> tuple[str, str]:
    token = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789") for _ in range(8))
    forms = {
        "kakaopay": f"https://qr.kakaopay.com/{token}",
        "openchat": f"open.kakao.com/o/{token}",
        "toss": f"toss.me/{token.lower()}",
        "query": f"https://docs.google.com/document/d/{token}/edit?usp=sharing",
        "insta": f"www.instagram.com/{token.lower()}",
    }
    return forms[variant], token if variant != "toss" else token.lower()


def ip(rng: random.Random, variant: str) -> tuple[str, str]:
    if variant == "v6":
        s = "fe80::" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(4))
        return s, s
    s = f"{rng.choice([10, 172, 192, 211])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return s, s


ROADS = [
    "테헤란로",
    "세종대로",
    "올림픽로",
    "중앙로",
    "솔밭1길",
    "봉은사로",
    "해운대로",
    "새싹길",
    "은행나무로",
    "한빛로",
]
DONGS = ["역삼동", "동부리", "신림동", "우동", "연산동", "행신동", "부평동"]
DISTRICTS = ["강남구", "울주군", "관악구", "해운대구", "덕양구", "부평구"]


def address(rng: random.Random, variant: str) -> tuple[str, str]:
    if variant == "road":
        s = f"{rng.choice(['서울', '부산', '경기'])} {rng.choice(DISTRICTS)} {rng.choice(ROADS)} {rng.randint(1, 999)}"
    elif variant == "road_short":
        s = f"{rng.choice(ROADS)} {rng.randint(10, 499)}"
    elif variant == "lot":
        s = f"{rng.choice(DISTRICTS)} {rng.choice(DONGS)} {rng.randint(1, 999)}-{rng.randint(1, 30)}"
    else:
        s = f"{rng.choice(['한빛', '푸른', '행복', '새솔'])}아파트 {rng.randint(101, 125)}동 {rng.randint(1, 25)}0{rng.randint(1, 4)}호"
    return s, s


def plate(rng: random.Random, variant: str) -> tuple[str, str]:
    letter = rng.choice("가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호")
    head = digits(rng, 3 if variant == "new" else 2)
    s = (
        f"{head}{letter} {digits(rng, 4)}"
        if variant != "glued"
        else f"{head}{letter}{digits(rng, 4)}"
    )
    if variant == "region":
        s = f"서울 {s}"
    return s, s


GENERATORS = {
    "PHONE": (phone, ["hyphen", "plain", "space", "dot", "intl", "fullwidth", "spaced", "zwsp", "hangul", "mixed", "landline", "uan"]),
    "RRN": (rrn, ["hyphen", "plain", "space", "post2020", "frn", "fullwidth"]),
    "CARD": (card, ["visa", "mc2", "domestic", "plain", "hyphen", "amex"]),
    "ACCOUNT": (account, ["kakao", "shinhan", "woori", "nh", "kb", "plain", "space"]),
    "BRN": (brn, ["hyphen", "plain"]),
    "PASSPORT": (passport, ["new", "old"]),
    "LICENSE": (license_no, ["code", "region"]),
    "EMAIL": (email, ["plain", "plain", "spelled"]),
    "URL": (url, ["kakaopay", "openchat", "toss", "query", "insta"]),
    "IP": (ip, ["v4", "v4", "v6"]),
    "ADDRESS": (address, ["road", "road_short", "lot", "unit"]),
    "PLATE": (plate, ["old", "new", "glued", "region"]),
}  # fmt: skip
