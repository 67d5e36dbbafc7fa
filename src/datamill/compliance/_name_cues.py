"""Words that show two capitalised words after "I am" / "this is" are no person's name.

"This is Hong Kong", "I am Chinese American", "This is Beijing Radio", "This is Central Park":
the cue says what follows is the speaker, but a place, a station or a nationality follows as
often as a name. A pair is refused when it is a place name, when it starts with a word that
begins place names (``New``, ``San``, ``North`` ...) or with a city, province or country that is
no common given name, or when either word is a place or organisation noun (``City``, ``Radio``,
``Park``), a nationality, or an everyday word a name never is (``Very``, ``Happy``, ``The``).
The lists are short on purpose: they hold the words these cues meet, not a gazetteer.
"""

from __future__ import annotations

__all__ = ["is_place_or_phrase"]

# multi-word places whose words are also names or ordinary words on their own
_PLACES_2 = frozenset((
    "hong kong", "new york", "los angeles", "san francisco", "las vegas", "new delhi",
    "buenos aires", "kuala lumpur", "tel aviv", "abu dhabi", "rio de", "sao paulo",
    "inner mongolia", "great britain", "united states", "united kingdom", "saudi arabia",
    "south africa", "new zealand", "sri lanka", "costa rica", "puerto rico", "el salvador",
    "hai dian", "chao yang", "pu dong", "nan jing", "bei jing", "shang hai",
))
# words that start place names, never a given name
_PLACE_HEADS = frozenset((
    "new", "san", "santa", "los", "las", "fort", "port", "mount", "saint", "lake", "cape",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "upper", "lower", "greater", "inner", "outer", "downtown", "hong", "kuala", "buenos",
    "united", "greater", "old",
))
# cities, provinces, countries and regions that are not common given names ("Paris", "Sydney",
# "Austin", "Victoria", "Georgia", "Florence" are, and are left out)
_PLACES_1 = frozenset((
    # China: municipalities, provinces, big cities (pinyin and the usual English forms)
    "beijing", "peking", "shanghai", "tianjin", "chongqing", "guangzhou", "canton", "shenzhen",
    "hangzhou", "nanjing", "suzhou", "wuhan", "chengdu", "xian", "xi'an", "qingdao", "dalian",
    "xiamen", "shenyang", "harbin", "changsha", "zhengzhou", "jinan", "kunming", "fuzhou",
    "hefei", "nanchang", "nanning", "guiyang", "lanzhou", "urumqi", "lhasa", "hohhot",
    "yinchuan", "xining", "taiyuan", "shijiazhuang", "changchun", "haikou", "sanya", "macau",
    "macao", "taipei", "kowloon", "guangdong", "guangxi", "fujian", "zhejiang", "jiangsu",
    "shandong", "henan", "hebei", "hubei", "hunan", "sichuan", "yunnan", "guizhou", "shanxi",
    "shaanxi", "gansu", "qinghai", "xinjiang", "tibet", "xizang", "ningxia", "jilin",
    "liaoning", "heilongjiang", "anhui", "jiangxi", "hainan", "taiwan", "mongolia", "haidian",
    "chaoyang", "pudong", "dongguan", "foshan", "wuxi", "ningbo",
    # countries and regions
    "china", "japan", "korea", "india", "america", "canada", "mexico", "brazil", "argentina",
    "france", "germany", "italy", "spain", "portugal", "russia", "ukraine", "poland", "sweden",
    "norway", "finland", "denmark", "holland", "netherlands", "belgium", "switzerland",
    "austria", "greece", "turkey", "egypt", "kenya", "nigeria", "australia", "singapore",
    "malaysia", "thailand", "vietnam", "indonesia", "philippines", "pakistan", "iran", "iraq",
    "israel", "england", "scotland", "wales", "ireland", "britain", "europe", "asia", "africa",
    "texas", "california", "florida", "ohio", "hawaii", "alaska", "manhattan", "hollywood",
    # world cities
    "london", "tokyo", "osaka", "kyoto", "seoul", "busan", "bangkok", "jakarta", "manila",
    "mumbai", "bombay", "delhi", "dubai", "moscow", "berlin", "munich", "frankfurt", "hamburg",
    "rome", "milan", "madrid", "barcelona", "lisbon", "amsterdam", "brussels", "vienna",
    "prague", "warsaw", "budapest", "stockholm", "oslo", "helsinki", "copenhagen", "dublin",
    "edinburgh", "manchester", "liverpool", "toronto", "vancouver", "montreal", "chicago",
    "boston", "seattle", "miami", "atlanta", "detroit", "philadelphia", "melbourne",
    "auckland", "cairo", "istanbul", "tehran", "baghdad", "hanoi", "saigon",
))
# nouns that name a place, a station or an organisation, and words after a cue that say the
# speaker is somewhere or doing something
_PLACE_NOUNS = frozenset((
    "city", "town", "village", "county", "province", "state", "states", "district", "road",
    "street", "avenue", "square", "park", "station", "airport", "harbour", "harbor", "bridge",
    "river", "lake", "mountain", "mountains", "island", "islands", "bay", "beach", "valley",
    "hill", "hills", "tower", "towers", "center", "centre", "mall", "plaza", "hotel",
    "hospital", "university", "college", "school", "academy", "institute", "museum",
    "library", "stadium", "radio", "television", "tv", "news", "daily", "times", "post",
    "herald", "tribune", "airlines", "airways", "railway", "railways", "metro", "subway",
    "express", "bank", "company", "group", "limited", "inc", "corp", "corporation", "police",
    "office", "market", "zoo", "temple", "palace", "garden", "gardens", "hall", "church",
    "cathedral", "studio", "studios", "theatre", "theater", "gate", "wall", "port", "region",
    "calling", "speaking", "here", "there", "now", "today", "tonight", "live", "headquarters",
    "team", "club", "united", "international", "global", "national", "online", "service",
    "services", "support", "customer", "airport", "mountain", "forest", "desert", "coast",
))
# nationalities and everyday words a sentence puts after "I am" / "this is" in capitals
_NOT_NAME_WORDS = frozenset((
    "chinese", "american", "british", "english", "french", "german", "japanese", "korean",
    "indian", "canadian", "australian", "russian", "italian", "spanish", "mexican",
    "brazilian", "european", "asian", "african", "cantonese", "mandarin", "native", "local",
    "very", "really", "so", "not", "just", "still", "also", "always", "never", "only", "quite",
    "happy", "sorry", "glad", "sure", "ready", "fine", "good", "great", "tired", "hungry",
    "busy", "late", "early", "back", "home", "done", "free", "alone", "okay", "ok", "well",
    "the", "a", "an", "my", "your", "our", "his", "her", "their", "its", "this", "that",
    "all", "going", "looking", "trying", "from", "in", "at", "on", "with", "for", "about",
    "what", "why", "how", "who", "where", "when", "it", "me", "him", "them", "we", "you",
    "big", "small", "best", "last", "first", "next", "final", "official", "real", "true",
    "breaking", "urgent", "important", "amazing", "awesome", "crazy", "beautiful", "new",
))


def is_place_or_phrase(words: list[str]) -> bool:
    """True when two capitalised words after "I am" / "this is" are no person's name."""
    low = [w.lower() for w in words]
    if " ".join(low) in _PLACES_2 or low[0] in _PLACE_HEADS or low[0] in _PLACES_1:
        return True
    return any(w in _PLACE_NOUNS or w in _NOT_NAME_WORDS for w in low)
