"""Synthetic personal data held as compact numpy arrays (so a province-sized roster fits in
memory) and rendered to text per person: Chinese names with pinyin usernames, 18-character
ID-card numbers with a valid check character, 学籍号 and mobile numbers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("高", "gao"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("田", "tian"), ("董", "dong"), ("潘", "pan"), ("袁", "yuan"),
    ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu"), ("于", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"),
    ("卢", "lu"), ("姚", "yao"), ("沈", "shen"), ("钟", "zhong"), ("姜", "jiang"), ("崔", "cui"),
    ("谭", "tan"), ("陆", "lu"), ("范", "fan"), ("汪", "wang"), ("廖", "liao"), ("石", "shi"),
    ("金", "jin"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"), ("邹", "zou"), ("熊", "xiong"),
    ("孟", "meng"), ("秦", "qin"), ("白", "bai"), ("江", "jiang"), ("薛", "xue"), ("尹", "yin"),
    ("段", "duan"), ("雷", "lei"), ("史", "shi"), ("陶", "tao"), ("顾", "gu"), ("毛", "mao"),
    ("欧阳", "ouyang"), ("司马", "sima"),
]
_SURNAME_P = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
_SURNAME_P /= _SURNAME_P.sum()

GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
    ("涛", "tao"), ("斌", "bin"), ("超", "chao"), ("明", "ming"), ("刚", "gang"), ("平", "ping"),
    ("辉", "hui"), ("鹏", "peng"), ("华", "hua"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"),
    ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("帆", "fan"),
    ("旭", "xu"), ("龙", "long"), ("阳", "yang"), ("峰", "feng"), ("建", "jian"), ("国", "guo"),
    ("东", "dong"), ("博", "bo"), ("轩", "xuan"), ("睿", "rui"), ("泽", "ze"), ("晨", "chen"),
    ("子", "zi"), ("航", "hang"), ("毅", "yi"), ("成", "cheng"), ("志", "zhi"), ("海", "hai"),
]
GIVEN_FEMALE = [
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("秀", "xiu"), ("英", "ying"), ("玲", "ling"), ("燕", "yan"),
    ("红", "hong"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"), ("洁", "jie"), ("颖", "ying"),
    ("慧", "hui"), ("萍", "ping"), ("倩", "qian"), ("佳", "jia"), ("欣", "xin"), ("怡", "yi"),
    ("梦", "meng"), ("雨", "yu"), ("涵", "han"), ("诗", "shi"), ("琪", "qi"), ("悦", "yue"),
    ("思", "si"), ("晓", "xiao"), ("月", "yue"), ("丹", "dan"), ("露", "lu"), ("蕾", "lei"),
    ("彤", "tong"), ("萱", "xuan"), ("馨", "xin"), ("瑶", "yao"), ("妍", "yan"), ("雅", "ya"),
]
GIVEN = GIVEN_MALE + GIVEN_FEMALE
_N_MALE = len(GIVEN_MALE)

# administrative-division prefixes of the ID-card number (the demo district and its neighbours)
REGIONS = ["340222", "340212", "340223", "340202", "340207", "340208", "340281", "341881"]
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = "10X98765432"
_EPOCH = dt.date(1970, 1, 1).toordinal()
_PHONE_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155,
                            156, 157, 158, 159, 166, 176, 177, 180, 181, 182, 183, 185, 186, 187,
                            188, 189, 191, 198, 199], dtype=np.int64)


def id_check_char(first17: str) -> str:
    total = sum(int(c) * int(w) for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


@dataclass
class People:
    """n people as parallel arrays; `render_*` turn one person into text."""
    surname: np.ndarray      # int16 index into SURNAMES
    given1: np.ndarray       # int16 index into GIVEN
    given2: np.ndarray       # int16 index into GIVEN, -1 for a one-character given name
    male: np.ndarray         # bool
    birth: np.ndarray        # int32 date ordinal
    id17: np.ndarray         # int64: the first 17 digits of the ID-card number
    id_check: np.ndarray     # int8 index into _ID_CHECK
    phone: np.ndarray        # int64, 0 = none

    def __len__(self) -> int:
        return len(self.male)

    def family_name(self, i: int) -> str:
        return SURNAMES[self.surname[i]][0]

    def given_name(self, i: int) -> str:
        g2 = self.given2[i]
        return GIVEN[self.given1[i]][0] + (GIVEN[g2][0] if g2 >= 0 else "")

    def full_name(self, i: int) -> str:
        return self.family_name(i) + self.given_name(i)

    def pinyin(self, i: int) -> str:
        g2 = self.given2[i]
        return SURNAMES[self.surname[i]][1] + GIVEN[self.given1[i]][1] + (GIVEN[g2][1] if g2 >= 0 else "")

    def id_card(self, i: int) -> str:
        return f"{self.id17[i]:017d}{_ID_CHECK[self.id_check[i]]}"

    def birth_year(self, i: int) -> int:
        return dt.date.fromordinal(int(self.birth[i])).year

    def phone_text(self, i: int) -> str:
        p = self.phone[i]
        return f"{p:011d}" if p else ""


def make_people(rng: np.random.Generator, n: int, female_share: float, with_phone: bool,
                birth: np.ndarray | None = None, birth_range: tuple[dt.date, dt.date] | None = None) -> People:
    """n people; birth dates given (as ordinals) or drawn uniformly from birth_range."""
    male = rng.random(n) >= female_share
    surname = rng.choice(len(SURNAMES), n, p=_SURNAME_P).astype(np.int16)
    g_lo = np.where(male, 0, _N_MALE)
    g_hi = np.where(male, _N_MALE, len(GIVEN))
    given1 = (g_lo + (rng.random(n) * (g_hi - g_lo)).astype(int)).astype(np.int16)
    given2 = (g_lo + (rng.random(n) * (g_hi - g_lo)).astype(int)).astype(np.int16)
    given2[rng.random(n) < 0.3] = -1
    if birth is None:
        birth = rng.integers(birth_range[0].toordinal(), birth_range[1].toordinal() + 1, n)
    birth = np.asarray(birth, np.int32)
    id17, id_check = id_cards(rng, birth, male)
    phone = np.zeros(n, np.int64)
    if with_phone:
        phone = rng.choice(_PHONE_PREFIXES, n) * 10**8 + rng.integers(0, 10**8, n)
    return People(surname, given1, given2, male, birth, id17, id_check, phone)


def id_cards(rng, birth: np.ndarray, male: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique ID-card numbers: region + birth date + sequence (odd for men) + check character.
    Within each (region, birth date, sex) the sequence numbers are distinct by construction."""
    n = len(birth)
    region = rng.integers(0, len(REGIONS), n)
    for _ in range(20):
        base = _id17(region, birth) * 2 + np.where(male, 1, 0)  # one group per region, date and sex
        order = np.lexsort((rng.random(n), base))
        sorted_base = base[order]
        starts = np.flatnonzero(np.r_[True, sorted_base[1:] != sorted_base[:-1]])
        group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n) - group_start
        full = rank >= 500  # more than 500 people of one sex born on one day in one region
        if not full.any():
            break
        region[full] = rng.integers(0, len(REGIONS), int(full.sum()))
    offset = rng.integers(0, 500, n)  # the group's numbers start anywhere, wrapping round
    group_offset = np.empty(n, np.int64)
    group_offset[order] = np.repeat(offset[order][starts], np.diff(np.r_[starts, n]))
    seq = ((rank + group_offset) % 500) * 2 + np.where(male, 1, 0)
    id17 = _id17(region, birth) + seq
    id_check = np.empty(n, np.int8)
    powers = 10 ** np.arange(16, -1, -1, dtype=np.int64)
    for a in range(0, n, 1 << 20):  # chunks keep the digit matrix small at province scale
        digits = (id17[a:a + (1 << 20), None] // powers) % 10
        id_check[a:a + (1 << 20)] = (digits * _ID_WEIGHTS).sum(axis=1) % 11
    return id17, id_check


def _id17(region_idx, birth_ord) -> np.ndarray:
    """The first 17 digits with a zero sequence number."""
    regions = np.array([int(r) for r in REGIONS], dtype=np.int64)[region_idx]
    days = (np.asarray(birth_ord, np.int64) - _EPOCH).astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    ymd = ((years.astype(np.int64) + 1970) * 10000 + ((months - years).astype(np.int64) + 1) * 100
           + (days - months).astype(np.int64) + 1)
    return regions * 10**11 + ymd * 10**3
