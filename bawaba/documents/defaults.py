"""The documents the 2024 census asked its candidates for (MISSION.md), per category: a campaign's starting list,
which the central administrator then edits (bawaba.documents.staff.requirements)."""

from dataclasses import dataclass

from bawaba.campaigns.models import Application

Category = Application.Category


@dataclass(frozen=True)
class DefaultRequirement:
    key: str
    name_ar: str
    name_fr: str
    name_en: str
    help_ar: str
    help_fr: str
    help_en: str
    categories: tuple[str, ...] = ()  # empty: every category


CENSUS_REQUIREMENTS = (
    DefaultRequirement(
        key="national-id",
        name_ar="نسخة من البطاقة الوطنية للتعريف الإلكترونية",
        name_fr="Copie de la carte nationale d'identité électronique",
        name_en="Copy of the national identity card",
        help_ar="الوجهان معا في ملف واحد، مقروءان وساريا المفعول.",
        help_fr="Les deux faces dans un seul fichier, lisibles et en cours de validité.",
        help_en="Both sides in one file, legible and valid.",
    ),
    DefaultRequirement(
        key="diploma",
        name_ar="نسخة من أعلى شهادة محصل عليها",
        name_fr="Copie du diplôme le plus élevé",
        name_en="Copy of the highest diploma",
        help_ar="الشهادة التي صرحتم بها في ترشيحكم.",
        help_fr="Le diplôme que vous avez déclaré dans votre candidature.",
        help_en="The diploma you declared in your application.",
        categories=(
            Category.GRADUATE,
            Category.CIVIL_SERVANT,
            Category.PRIVATE_EMPLOYEE,
            Category.PUBLIC_RETIREE,
        ),
    ),
    DefaultRequirement(
        key="student-certificate",
        name_ar="شهادة مدرسية أو جامعية للسنة الجارية",
        name_fr="Certificat de scolarité de l'année en cours",
        name_en="Student certificate for the current year",
        help_ar="مسلمة من مؤسستكم خلال السنة الجامعية الجارية.",
        help_fr="Délivré par votre établissement pour l'année universitaire en cours.",
        help_en="Issued by your institution for the current academic year.",
        categories=(Category.STUDENT,),
    ),
    DefaultRequirement(
        key="employer-authorisation",
        name_ar="ترخيص المشغل",
        name_fr="Autorisation de l'employeur",
        name_en="Employer's authorisation",
        help_ar="ترخيص موقع من مشغلكم للمشاركة في الإحصاء خلال فترة إنجازه.",
        help_fr="Autorisation signée de votre employeur pour participer au recensement pendant sa durée.",
        help_en="Signed authorisation from your employer to take part in the census for its duration.",
        categories=(Category.CIVIL_SERVANT, Category.PRIVATE_EMPLOYEE),
    ),
    DefaultRequirement(
        key="retirement-certificate",
        name_ar="شهادة التقاعد",
        name_fr="Attestation de retraite",
        name_en="Retirement certificate",
        help_ar="مسلمة من الصندوق المغربي للتقاعد أو من هيئة التقاعد التي تتبعون لها.",
        help_fr="Délivrée par la Caisse marocaine des retraites ou votre organisme de retraite.",
        help_en="Issued by your pension fund.",
        categories=(Category.PUBLIC_RETIREE,),
    ),
)
