"""Word lists for name detection. Small on purpose: each list is a rule you can read.

Sources: surnames from the 2015 census ranking (the ~100 most common cover > 99 % of people,
pii.md §3.1); everything else is common chat vocabulary written for this project.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = frozenset(
    _words(
        "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구 민 류 나 진 지 엄 채 원 "
        "천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 목 "
        "형 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 갈 서 시 견 당 화 창 옹"
    )
)

TWO_SYLLABLE_SURNAMES = frozenset(_words("남궁 선우 제갈 황보 독고 사공 서문 동방 어금 망절"))

# Titles and honorifics that follow a name: ``이 대리님``, ``민수 형``, ``지현 언니``.

TITLES = _words(
    "대리 과장 부장 차장 팀장 실장 사장 이사 상무 전무 주임 사원 선생 교수 원장 감독 코치 작가 기자 변호사 의사 간호사 박사 선배 후배 씨 님 쌤 형 오빠 누나 "
    "언니"
)

# Particles and euphonic 이 seen after names, longest first for stripping.

PARTICLES = _words(
    "이한테도 이한테 이랑은 이에게 이처럼 이하고 이네서 이랑 한테 에게 께서 이가 이는 이도 이를 이랑 이네 이의 이야 이지 이고 이나 이만 처럼 보다 하고 네서 선배 "
    "오빠 누나 언니 야 아 이 가 씨 님 은 는 을 를 도 만 의 랑 께 네 쌤 형"
)

# NNP (proper noun) that is not a person: places end in these, brands are listed.

PLACE_SUFFIXES = _words(
    "역 시 군 읍 면 로 길 산 강 천 섬 항 점 관 청 당 국 은행 마트 학교 대학 대학교 병원 공원 카페 센터 아파트 빌딩 호텔 백화점 시장 터미널 공항 교회 성당 "
    "회사"
)

# Also end given names (민구, 지원, 유리): a place only when the word does not start with a surname.

WEAK_PLACE_SUFFIXES = _words("구 동 리 도 원")

NOT_PEOPLE = frozenset(
    _words(
        "카톡 카카오 카카오톡 네이버 구글 유튜브 인스타 인스타그램 페북 페이스북 트위터 스타벅스 쿠팡 배민 요기요 넷플릭스 토스 삼성 애플 엘지 현대 기아 이마트 홈플러스 "
        "다이소 올리브영 편의점 서울 부산 대구 인천 광주 대전 울산 세종 제주 경기 강원 충북 충남 전북 전남 경북 경남 강남 홍대 신촌 판교 명동 이태원 잠실 한국 일본 "
        "미국 중국 영국 프랑스 독일 캐나다 호주 대만 태국 베트남 유럽 아시아 한강 남산 롯데 신세계 지에스 씨유 메가박스 씨지브이 지브이 맥도날드 버거킹 롯데리아 이디야 "
        "투썸 빽다방 메가커피 컴포즈 배스킨라빈스 파리바게트 뚜레쥬르 지하철 버스 택시 코로나 크리스마스 추석 설날 월요일 화요일 수요일 목요일 금요일 토요일 일요일 ㅋㅋ "
        "ㅎㅎ 카뱅 케뱅 국민 신한 우리 하나 농협 기업 새마을 신협 우체국 수협 씨티 에이 비 씨 오늘 내일 모레 어제 아까 이따 지금 진짜 정말 대박 헐 아니 그냥 근데 "
        "그래서 그리고 우리 너희 "
        # fillers, pronouns and numbers + particle that Kiwi leaves unknown (나도나도, 나보다,
        # 이삼일, 8호차)
        "나도 너도 나보 너보 저보 보다 삼일 이삼일 삼사일 사오일 호차 호선 호실"
    )
)

# Nouns people call out to (``친구야``, ``엄마``) that are not names.

ADDRESS_TERMS = frozenset(
    _words(
        "엄마 아빠 친구 자기 여보 오빠 언니 누나 형 동생 애기 아가 얘 님 선생 선생님 할머니 할아버지 이모 삼촌 고모 아들 딸 남편 아내 여친 남친 자식 인간 사람 바보 "
        "멍청 강아지 고양이 애들 얘들 여러분 짝꿍 베프 주인 손님 사장 아저씨 아줌마 학생 님들 세상 인생 신이시여"
    )
)

ENGLISH_NAMES = frozenset(
    _words(
        "James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew Anthony "
        "Mark Paul Steven Andrew Kevin Brian George Edward Ryan Jacob Eric Jason Justin Brandon Tyler "
        "Aaron Adam Nathan Kyle Peter Sean Luke Jack Henry Noah Liam Ethan Lucas Mason Logan Oliver "
        "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty "
        "Sandra Ashley Emily Donna Michelle Amanda Melissa Stephanie Rebecca Laura Sharon Cynthia Amy "
        "Anna Angela Emma Olivia Sophia Ava Isabella Mia Charlotte Amelia Harper Evelyn Abigail Ella "
        "Grace Chloe Lily Hannah Zoe Natalie Julia Rachel Megan Lauren Alice Claire Kate Katie Sophie "
        "Tom Mike Chris Alex Sam Ben Dan Tim Jake Nick Josh Matt Jenny Kelly Sally Lucy Jane Helen "
        "Minji Jiwoo Jimin Seojun Hayoon Jiho Yuna Sujin Minsu Junho Hyejin Jisoo Eunji Sora"
    )
)

# Stems that form ordinary words with 씨/님 (아저씨, 고객님): not names before an honorific.

HONORIFIC_STOP = frozenset(
    _words(
        "판매자 형 스 어머 기장 부처 교수 환자 수녀 그분 기사 목사 매니저 고객센터 공주 누 따 차장 당신 기자 간호사 선생 하느 대리 임금 회계 세무사 마음 변호사 회장 "
        "신부 코치 고객 이분 점장 부장 주임 손 반장 감독 약사 구매자 주인 사장 실장 후배 작가 왕자 총무 관리자 저분 팀장 담당자 아가 회원 이사 의사 집사 아저 박사 "
        "전무 가족 여러분 선배 과장 상무 사모 원장 아버"
    )
)

# Given names that are also words Kiwi may tag as proper nouns (한빛, 나비 as a brand): a person
# only in context (see .people).
ORDINARY_GIVEN = frozenset(_words("가을 바다 단비 나비 한빛 새벽 하늘 보람 기쁨 슬기 나라 다솜 봄 별 샘"))

# Chat slang that kiwipiepy does not know (oov) but that starts like a full name (안 + 2).

SLANG = frozenset(_words("조별과제 임티 안읽씹 신박 방탈출 차단 정모 오운완"))

# Syllables common in Korean given names. A proper noun or unknown word whose given part uses
# others (마라탕, 찐친, 카톡, 댕댕이) is food, slang or a brand far more often than a person.
NAME_SYLLABLES = frozenset(
    _words(
        "가 각 간 감 강 건 걸 겸 경 계 고 곤 관 광 교 구 국 군 권 규 균 근 금 기 길 나 난 남 내 "
        "노 누 늘 니 다 단 달 담 대 덕 도 돈 동 두 들 라 란 람 랑 래 려 련 렬 령 례 로 록 론 료 "
        "룡 루 류 률 륜 르 리 린 림 마 만 명 모 목 무 묵 문 미 민 바 박 반 배 백 범 별 병 보 복 "
        "본 봄 봉 부 분 비 빈 빛 사 산 삼 상 새 샘 서 석 선 설 섭 성 세 소 솔 솜 송 수 숙 순 술 "
        "슬 승 시 식 신 실 심 아 안 애 야 양 언 엄 여 연 열 염 엽 영 예 오 옥 온 완 왕 요 용 우 "
        "욱 운 웅 원 월 위 유 육 윤 율 융 은 을 음 의 이 익 인 일 임 잎 자 작 잔 장 재 전 정 제 "
        "조 종 주 준 중 지 직 진 질 집 차 찬 창 채 천 철 청 체 초 총 춘 충 치 태 택 탁 하 학 한 "
        "할 해 혁 현 형 혜 호 홍 화 환 활 황 회 효 후 훈 휘 희 흠 흥 겨 결 나 별 빈 제 니 즈 스"
    )
)

# Ordinary words that look like surname + title (주 + 차장, 부 + 사장, 조 + 교수).
SURNAME_TITLE_WORDS = frozenset(
    _words(
        "주차장 공사장 부사장 부교수 조교수 부원장 부팀장 부실장 부부장 부감독 공대리 주대리 전사장 공과장"
    )
)

# Districts (시·군·구) that kiwipiepy tags as proper nouns and that start like a surname + name.
DISTRICTS = frozenset(
    _words(
        "강남구 강동구 강북구 강서구 관악구 광진구 구로구 금천구 노원구 도봉구 동대문구 동작구 마포구 서대문구 "
        "서초구 성동구 성북구 송파구 양천구 영등포구 용산구 은평구 종로구 중랑구 해운대구 수영구 연제구 동래구 "
        "부산진구 사하구 사상구 금정구 기장군 수성구 달서구 달성군 유성구 대덕구 광산구 분당구 수정구 중원구 "
        "팔달구 영통구 권선구 장안구 일산동구 일산서구 덕양구 기흥구 수지구 처인구 남동구 연수구 부평구 계양구 "
        "미추홀구 강화군 옹진군 울주군 양평군 가평군 연천군 홍천군 평창군 정선군 양양군 제주시 서귀포시 "
        "성남시 수원시 용인시 고양시 부천시 안양시 안산시 화성시 평택시 의정부시 시흥시 파주시 김포시 광명시 "
        "하남시 구리시 남양주시 오산시 군포시 의왕시 이천시 안성시 양주시 포천시 여주시 동두천시 과천시 "
        "신림동 신촌동 한남동 성수동 서교동 정자동 서현동 역삼동 삼성동 대치동 잠실동 목동 상계동 중계동"
    )
)
