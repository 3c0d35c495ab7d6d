"""A campaign's starting interview grid (the census's four criteria), which the central administrator then edits."""

from bawaba.interviews.grid import LANGUAGES


def _levels(*descriptors: tuple[str, str, str]) -> list[dict]:
    return [
        {"value": value, "descriptor": dict(zip(LANGUAGES, texts, strict=True))}
        for value, texts in enumerate(descriptors)
    ]


DEFAULT_GRID = {
    "criteria": [
        {
            "key": "communication",
            "name": {"ar": "التواصل", "fr": "Communication", "en": "Communication"},
            "weight": 3,
            "levels": _levels(
                (
                    "لا يتواصل بوضوح",
                    "Ne s'exprime pas clairement",
                    "Does not express himself or herself clearly",
                ),
                (
                    "يتواصل بصعوبة",
                    "S'exprime avec difficulté",
                    "Expresses himself or herself with difficulty",
                ),
                ("يتواصل بوضوح", "S'exprime clairement", "Expresses himself or herself clearly"),
                ("يتواصل بوضوح ويقنع", "S'exprime clairement et convainc", "Clear and convincing"),
            ),
        },
        {
            "key": "languages",
            "name": {"ar": "اللغات", "fr": "Langues", "en": "Languages"},
            "weight": 2,
            "levels": _levels(
                ("لغة واحدة", "Une langue", "One language"),
                ("لغتان", "Deux langues", "Two languages"),
                (
                    "ثلاث لغات أو أكثر منها لغة محلية",
                    "Trois langues ou plus, dont une langue locale",
                    "Three or more, one of them local",
                ),
            ),
        },
        {
            "key": "census-knowledge",
            "name": {
                "ar": "معرفة الإحصاء",
                "fr": "Connaissance du recensement",
                "en": "Knowledge of the census",
            },
            "weight": 3,
            "levels": _levels(
                (
                    "لا يعرف مفاهيم الإحصاء",
                    "Ne connaît pas les notions du recensement",
                    "Does not know the census's notions",
                ),
                ("يعرف بعضها", "En connaît quelques-unes", "Knows some"),
                ("يعرفها جيدا", "Les connaît bien", "Knows them well"),
                (
                    "يعرفها ويطبقها على حالات",
                    "Les connaît et les applique à des cas",
                    "Knows and applies them to cases",
                ),
            ),
        },
        {
            "key": "tablet",
            "name": {
                "ar": "استعمال اللوحة الإلكترونية",
                "fr": "Maîtrise de la tablette",
                "en": "Use of the tablet",
            },
            "weight": 2,
            "levels": _levels(
                ("لا يستعمل اللوحة الإلكترونية", "N'utilise pas la tablette", "Does not use the tablet"),
                ("يستعملها بمساعدة", "L'utilise avec aide", "Uses it with help"),
                ("يستعملها باستقلالية", "L'utilise seul(e)", "Uses it alone"),
            ),
        },
    ]
}
