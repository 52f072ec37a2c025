"""Structured PII values and hard negatives of the independent set, as chat messages.

Each builder returns a message as segments: ``(text, label)`` where ``label`` is ``None`` for
plain text or a dict ``{"type", "form", ...}`` for a labelled span. Every value is made up:
phones in 010 with random groups, RRNs with random serials (checksum-valid only where
:func:`rrn_valid` says so), cards Luhn-valid only when built with ``luhn=True``, documentation
IP ranges (RFC 5737), addresses with real-looking road names and invented numbers.
A builder may return two messages (a phone split over two sends).
"""

from __future__ import annotations

import random

KO_DIGITS = "공일이삼사오육칠팔구"
Seg = tuple[str, "dict | None"]


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def lab(type_: str, form: str, core: list[str] | None = None) -> dict:
    return {"type": type_, "form": form, **({"core": core} if core else {})}


def rrn_valid(rrn: str) -> bool:
    """The pre-2020 check digit: sum of digits × 2..9,2..5, (11 - sum % 11) % 10."""
    d = [int(c) for c in rrn if c.isdigit()]
    s = sum(a * w for a, w in zip(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], strict=False))
    return (11 - s % 11) % 10 == d[12]


def luhn_fix(digits: str) -> str:
    """Replace the last digit so the number passes Luhn."""
    body = [int(c) for c in digits[:-1]]
    total = 0
    for i, v in enumerate(reversed(body)):
        v = v * 2 if i % 2 == 0 else v
        total += v - 9 if v > 9 else v
    return digits[:-1] + str((10 - total % 10) % 10)


def brn_valid(brn: str) -> bool:
    d = [int(c) for c in brn if c.isdigit()]
    s = sum(a * w for a, w in zip(d, [1, 3, 7, 1, 3, 7, 1, 3, 5], strict=False))
    s += d[8] * 5 // 10
    return (10 - s % 10) % 10 == d[9]


def phone(rng, i=0):
    a, b = _d(rng, 4), _d(rng, 4)
    style = i % 6
    if style == 0:
        return [[("내 번호 바꼈어 ", None), (f"010-{a}-{b}", lab("phone", "dashed")), (" 저장해줘", None)]]
    if style == 1:
        return [[("이 번호로 연락해 ", None), (f"010{a}{b}", lab("phone", "glued"))]]
    if style == 2:
        spoken = "공일공에 " + "".join(KO_DIGITS[int(c)] for c in a) + "에 " + "".join(KO_DIGITS[int(c)] for c in b)
        return [[("번호 불러줄게 ", None), (spoken, lab("phone", "spoken_korean")), (" 받아적어", None)]]
    if style == 3:
        return [[("엄마 번호 ", None), (f"010-{a}", lab("phone", "split_over_two"))],
                [(f"{b}", lab("phone", "split_over_two")), ("이야 까먹지마", {"type": "keep", "form": "iya_after_number"})]]
    if style == 4:
        return [[("사무실 ", None), (f"02-{_d(rng, 3)}-{b}", lab("phone", "landline")), (" 로 전화줘", None)]]
    return [[("+82 ", None), (f"10-{a}-{b}", lab("phone", "intl")), (" 이거 해외에서 걸때", None)]]


def rrn(rng, i=0, foreign=False):
    y, m, dd = rng.randrange(70, 100), rng.randrange(1, 13), rng.randrange(1, 29)
    front = f"{y:02d}{m:02d}{dd:02d}"
    back = str(rng.choice([5, 6]) if foreign else rng.choice([1, 2])) + _d(rng, 6)
    kind = "foreign_reg" if foreign else "rrn"
    style = i % 4
    if style == 0:
        return [[("주민번호 ", None), (f"{front}-{back}", lab(kind, "dashed")), (" 맞지?", None)]]
    if style == 1 and not foreign:  # the front half alone (앞자리)
        return [[("서류에 앞자리 ", None), (front, lab(kind, "front_only")), (" 적으래", None)]]
    if style == 2:
        return [[("외국인등록번호 " if foreign else "등록번호 ", None), (f"{front}{back}", lab(kind, "glued")),
                 ("이야", {"type": "keep", "form": "iya_after_number"})]]
    return [[("이거 대신 좀 써줘 ", None), (f"{front} - {back}", lab(kind, "spaced_dash"))]]


def card(rng, i=0):
    digits = rng.choice("45") + _d(rng, 15)
    if rng.random() < 0.5:
        digits = luhn_fix(digits)
    g = [digits[i:i + 4] for i in range(0, 16, 4)]
    style = i % 3
    text = ["-".join(g), " ".join(g), digits][style]
    return [[("카드번호 ", None), (text, lab("card", ["dashed", "spaced", "glued"][style])), (" 로 결제해줘", None)]]


def account(rng, i=0):
    bank, text = rng.choice([("국민", f"{_d(rng, 6)}-01-{_d(rng, 6)}"), ("신한", f"110-{_d(rng, 3)}-{_d(rng, 6)}"),
                             ("카뱅", f"3333-{_d(rng, 2)}-{_d(rng, 7)}"), ("우리", f"1002-{_d(rng, 3)}-{_d(rng, 6)}")])
    if i % 3 == 0:
        return [[(f"{bank} ", None), (text.replace("-", ""), lab("account", "glued")),
                 ("이야", {"type": "keep", "form": "iya_after_number"}), (" 입금해줘", None)]]
    return [[(f"돈 여기로 보내 {bank}은행 ", None), (text, lab("account", "dashed"))]]


def brn(rng, i=0):
    text = f"{_d(rng, 3)}-{_d(rng, 2)}-{_d(rng, 5)}"
    return [[("가게 사업자번호 ", None), (text, lab("brn", "dashed")), (" 영수증에 찍혀있어", None)]]


def passport(rng, i=0):
    a, b = _d(rng, 4), _d(rng, 4)
    style = i % 3
    text = [f"M{a}{b}", f"M {a} {b}", f"M{a[:3]}A{b}"][style]
    return [[("여권번호 ", None), (text, lab("passport", ["plain", "spaced", "new_format"][style])),
             (" 항공권 예약할때 필요해", None)]]


def licence(rng, i=0):
    text = f"{rng.randrange(11, 29)}-{_d(rng, 2)}-{_d(rng, 6)}-{_d(rng, 2)}"
    return [[("운전면허 번호 ", None), (text, lab("driver_licence", "dashed")), (" 렌트카에 적었어", None)]]


EMAIL_USERS = ["sua.bae92", "taeo_ryu", "dalgom77", "happyjoon", "minji0412", "haneul.s", "bomi_k"]


def email(rng, i=0):
    user = rng.choice(EMAIL_USERS) + _d(rng, 2)
    style = i % 4
    text = [f"{user}@naver.com", f"{user} 앳 naver 닷컴", f"{user} 골뱅이 gmail.com", f"{user} at daum dot net"][style]
    return [[("메일 ", None), (text, lab("email", ["plain", "at_korean", "golbaengi", "at_english"][style], [user])),
             (" 로 보내줘", None)]]


def ip(rng, i=0):
    text = rng.choice(["203.0.113.", "198.51.100.", "192.0.2."]) + str(rng.randrange(2, 250))
    return [[("서버 아이피 ", None), (text, lab("ip", "v4", [text])), (" 로 접속해봐", None)]]


def url(rng, i=0):
    handle = rng.choice(["sunny_days", "dahye.ootd", "cook_with_bom", "gX7abQ", "jiwoo-folio"]) + _d(rng, 2)
    text = rng.choice([f"https://blog.naver.com/{handle}", f"instagram.com/{handle}",
                       f"https://open.kakao.com/o/{handle}", f"www.{handle}.com"])
    return [[("여기 봐봐 ", None), (text, lab("url", "link", [handle]))]]


ROADS = ["성미산로 17길", "판교역로", "해운대로", "동교로 23길", "월드컵북로", "중앙대로"]
DONGS = ["역삼동", "망원동", "우동", "연남동", "상도동"]


def address(rng, i=0):
    if i % 2 == 0:
        road, num = rng.choice(ROADS), str(rng.randrange(3, 400))
        core = f"{road} {num}"
        return [[("우리집 주소 ", None), (f"서울시 마포구 {core}", lab("address", "street", [core])), (" 로 와", None)]]
    dong, num = rng.choice(DONGS), f"{rng.randrange(100, 1500)}-{rng.randrange(1, 40)}"
    core = f"{dong} {num}"
    return [[("택배 ", None), (core, lab("address", "lot", [core])), (" 으로 보내줘", None)]]


def plate(rng, i=0):
    text = f"{rng.randrange(10, 400)}{rng.choice('가나다라마거너더러머')} {_d(rng, 4)}"
    if i % 2 == 0:
        return [[("내차", None), (text.replace(" ", ""), lab("car_plate", "unspaced_line")),
                 ("이야", {"type": "keep", "form": "iya_after_number"}), ("주차장에있어", None)]]
    return [[("차 번호 ", None), (text, lab("car_plate", "spaced")), (" 이거 맞아?", None)]]


BUILDERS = {"phone": phone, "rrn": rrn, "foreign_reg": lambda r, i=0: rrn(r, i, True), "card": card,
            "account": account, "brn": brn, "passport": passport, "driver_licence": licence,
            "email": email, "ip": ip, "url": url, "address": address, "car_plate": plate}


# hard negatives: a sentence with the span to keep marked by [[ ]]
HARD_NEGATIVES = {
    "date": ["[[3월 14일]]에 보자", "[[2025년 4월 2일]] 시험이야", "[[4/15]] 마감이래", "생일이 [[12월 25일]]이라니",
             "[[다음주 화요일]] 어때", "[[2025-05-03]] 예약했어"],
    "time": ["[[오후 3시 반]]에 만나", "[[7:30]]까지 와", "[[19시]] 기차야", "[[새벽 2시]]에 잤어ㅠ", "[[10분]]만 기다려"],
    "money": ["[[10,000원]]이면 싸다", "[[3만원]] 보내줄게", "[[2만 5천원]] 나왔어", "배달비 [[4,000원]] 실화냐",
              "월세 [[65만원]]이래", "[[12,900원]] 결제됨"],
    "count": ["[[3개]] 샀어", "[[두 명]] 예약했어", "[[5박 6일]] 여행", "사람 [[100명]] 넘게 왔대", "[[1,200명]] 지원했대"],
    "laugh": ["[[ㅋㅋㅋㅋㅋㅋ]]", "[[ㅋㅋㅋㅋ]] 미쳤다", "아 [[ㅎㅎㅎ]] 고마워"],
    "order_no": ["접수번호 [[2024-118732]] 로 조회해봐", "주문번호 [[20250314-0042]] 이거야", "운송장번호 [[6891234500]] 조회됨",
                 "예약번호 [[K7Q2M9]] 보여주면 돼", "영수증 번호 [[0042-1187]] 확인해봐"],
    "version": ["크롬 [[131.0.6778.86]] 으로 업데이트했어", "iOS [[18.3.1]] 버그 많대", "앱 [[v2.14.0]] 깔아봐",
                "[[1.4.2]] 버전부터 된대"],
    "model": ["에어팟 [[프로2]] 샀어", "[[아이폰15]] 배터리 별로야", "갤럭시 [[S24]] 어때", "노트북 [[RTX 4070]] 들어간거"],
    "filler": ["[[나도나도]]", "빵[[하고]] 우유 사와", "너 [[나보다]] 잘하잖아", "[[이삼일]]만 기다려줘", "[[8호차]] 타면 돼",
               "[[나도나도]] 갈래"],
    "surname_word": ["안경에 [[김 서려]]", "[[이 정도면]] 괜찮지", "[[박 터지게]] 싸웠대", "진짜 [[정 떨어져]]",
                     "[[강 건너]] 불구경", "[[한 번만]] 봐줘", "[[조 단위]] 돈이래"],
    "name_word": ["오늘 [[가을비]] 온다", "[[바다낚시]] 가고싶다", "[[단비]] 같은 소식이네", "[[나비넥타이]] 샀어",
                  "[[새벽배송]] 시켰어", "[[하늘색]] 셔츠 예쁘다", "[[노을빛]] 미쳤어", "[[이슬비]] 내린다",
                  "진짜 [[보람찬]] 하루였다", "[[별빛]]이 예쁘네", "[[은하수]] 보러 가자 천문대"],
}
