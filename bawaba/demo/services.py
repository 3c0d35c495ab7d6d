"""The national demo data set: the census campaign, its commune needs, its candidates and demo staff, and a
ministry's competition open for registration (bawaba.demo.competition). Dates count from the day it runs
(bawaba.demo.calendar).

Everything is written in one transaction, so a failed run leaves nothing behind. Candidates go in set-based
(writer.BulkWriter): at scale 1 that is 488,321 accounts and applications and about 2.2 million choices.
"""

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import connection, models, transaction
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts.models import Assignment, User
from bawaba.administrations.models import Administration
from bawaba.campaigns.models import (
    Application,
    ApplicationChoice,
    Campaign,
    CampaignRules,
    CampaignStage,
    CommuneNeed,
)
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.search import search_name_for
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.demo import calibration, generator, vocabulary
from bawaba.demo.calendar import Calendar, census_calendar
from bawaba.demo.competition import create_competition, demo_competition
from bawaba.demo.selectors import (
    DEMO_CAMPAIGN_SLUG,
    DEMO_EMAIL_DOMAIN,
    demo_campaign,
    demo_users,
    territory_for_demo,
)
from bawaba.selection.models import SelectionRun
from bawaba.territory.models import Commune, Province, Region

# Every demo candidate shares one unusable password: nobody signs in as them (hashing 488,321 real passwords
# would take hours), and a constant keeps two runs with the same seed identical.
UNUSABLE_PASSWORD = f"{UNUSABLE_PASSWORD_PREFIX}demo-candidate-without-password"


# The tables the candidates are bulk-loaded into.
BULK_MODELS = (User, Application, ApplicationChoice)


class DemoError(Exception):
    """The demo cannot be generated as asked; the message says what to do."""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    description: str
    staff: bool = False

    @property
    def authenticator_key(self) -> str:
        """The fixed key of a demo staff account's authenticator (hex, as django-otp stores it), the same on every
        checkout so that `make demo` can print it; made on local checkouts only (`ensure_demo_authenticators`)."""
        return hashlib.sha256(f"bawaba demo authenticator {self.email}".encode()).hexdigest()[:40]


# Known passwords, printed by the command: these accounts exist only in demo data sets.
ADMIN = DemoAccount(
    f"admin@{DEMO_EMAIL_DOMAIN}", "demo-admin-2024", "central administrator (superuser)", staff=True
)
SUPERVISOR = DemoAccount(
    f"supervisor@{DEMO_EMAIL_DOMAIN}", "demo-supervisor-2024", "provincial supervisor (Kénitra)", staff=True
)
COORDINATOR = DemoAccount(
    f"coordinator@{DEMO_EMAIL_DOMAIN}",
    "demo-coordinator-2024",
    "regional coordinator (Rabat-Salé-Kénitra)",
    staff=True,
)
INTERVIEWER = DemoAccount(
    f"interviewer@{DEMO_EMAIL_DOMAIN}", "demo-interviewer-2024", "interviewer (Kénitra)", staff=True
)
CANDIDATE = DemoAccount(
    f"candidate@{DEMO_EMAIL_DOMAIN}", "demo-candidate-2024", "candidate (first application)"
)
DEMO_ACCOUNTS = (ADMIN, SUPERVISOR, COORDINATOR, INTERVIEWER, CANDIDATE)
DEMO_STAFF_ACCOUNTS = tuple(account for account in DEMO_ACCOUNTS if account.staff)
# Where the demo's scoped staff work: a large province and the region around it.
SUPERVISED_PROVINCE_CODE = "04.281"  # Kénitra
COORDINATED_REGION_CODE = "04"  # Rabat-Salé-Kénitra


@dataclass
class DemoResult:
    created: bool
    campaign: Campaign
    competition: Campaign
    competition_created: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    accounts: tuple[DemoAccount, ...] = ()


def validate_options(*, scale: float, seed: int) -> None:
    if not 0 < scale <= 1:  # also refuses NaN
        raise DemoError(f"The scale must be greater than 0 and at most 1 (got {scale}).")
    if seed < 0:
        raise DemoError(f"The seed must be a whole number from 0 up (got {seed}).")


def generate_demo(
    *,
    scale: float,
    seed: int,
    replace: bool = False,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Create the demo census campaign with its needs and candidates, and the open competition; or leave an
    existing demo alone (adding the competition if it lacks one).

    Dates count from `today` (default: today in Morocco). With `replace`, an existing demo data set (campaigns,
    applications, choices, demo accounts) is deleted first. The same scale, seed and day give the same data, on
    SQLite and on PostgreSQL alike.
    """
    validate_options(scale=scale, seed=seed)
    if not Commune.objects.exists():
        raise DemoError("The territory is not loaded: run `manage.py load_territory` first.")
    today = today or timezone.localdate()
    calendar = census_calendar(today)
    existing = demo_campaign()
    if existing is not None and not replace:
        competition = demo_competition()
        if competition is None:
            # A demo made before the competition existed: the competition alone is cheap to add.
            ensure_demo_authenticators()
            return DemoResult(
                created=False,
                campaign=existing,
                competition=create_competition(today=today),
                competition_created=True,
            )
        ensure_demo_authenticators()  # a demo made before staff had a second factor gets theirs
        return DemoResult(created=False, campaign=existing, competition=competition)
    if existing is None and not replace and demo_users().exists():
        raise DemoError(
            f"Accounts @{DEMO_EMAIL_DOMAIN} exist without the demo campaign; run with --replace to remove them."
        )
    if existing is None and not replace and demo_competition() is not None:
        raise DemoError(
            "The demo competition exists without the census campaign; run with --replace to remove it."
        )
    phases = _Phases(progress)
    started = time.perf_counter()
    # Generating touches no table: done before the transaction, it holds no lock.
    territory, commune_ids = territory_for_demo()
    with phases.timed("generate") as note:
        candidates = generator.generate_candidates(territory=territory, scale=scale, seed=seed)
        training = generator.generate_needs(
            territory=territory,
            by_region=calibration.in_region_order(calibration.TRAINING_NEEDS_BY_REGION),
            scale=scale,
        )
        field_needs = generator.generate_needs(
            territory=territory,
            by_region=calibration.in_region_order(calibration.FIELD_NEEDS_BY_REGION),
            scale=scale,
        )
        note(f"{len(candidates):,} candidates, {int(candidates.choice_count.sum()):,} choices")
    # As loaddata does: SQLite then checks foreign keys once per table before commit instead of once per row.
    # (A no-op inside an outer transaction, as in tests, and on PostgreSQL, whose writer drops its foreign keys.)
    with connection.constraint_checks_disabled(), transaction.atomic():
        writer = BulkWriter(connection)
        with phases.timed("drop secondary indexes"):
            writer.lock(BULK_MODELS)
            # Before any delete too: rows go faster out of (as into) tables with fewer indexes to keep up.
            load = writer.start_bulk_load(BULK_MODELS)
        if replace:
            with phases.timed("delete previous demo data") as note:
                deleted = delete_demo_data()
                note(", ".join(f"{count:,} {label}" for label, count in deleted.items()))
        with phases.timed("campaign, stages, rules and needs"):
            campaign = _create_campaign(calendar)
            _create_needs(campaign, training, field_needs, commune_ids)
        counts = _write_candidates(writer, campaign, calendar, candidates, commune_ids, phases)
        with phases.timed("rebuild indexes and constraints") as note:
            writer.finish_bulk_load(load)
            note(f"{len(load.rebuild)} statements")
        with phases.timed("demo staff accounts and the open competition"):
            _create_staff_accounts()
            ensure_demo_authenticators()
            competition = create_competition(today=today)
        with phases.timed("check foreign keys"):
            connection.check_constraints(table_names=_tables_to_check(replaced=replace))
        counts.update(
            training_needs=int(training.quantity.sum()),
            field_needs=int(field_needs.quantity.sum()),
            need_rows=len(training.commune) + len(field_needs.commune),
        )
        record_event(
            action="demo.generated",
            target=campaign,
            data={
                "scale": scale,
                "seed": seed,
                "today": today.isoformat(),
                "counts": counts,
                "seconds": round(time.perf_counter() - started, 1),  # to the commit, which comes next
            },
        )
        committing = time.perf_counter()
    phases.report("commit", time.perf_counter() - committing)
    seconds = time.perf_counter() - started
    return DemoResult(
        created=True,
        campaign=campaign,
        competition=competition,
        competition_created=True,
        counts=counts,
        seconds=seconds,
        accounts=DEMO_ACCOUNTS,
    )


@transaction.atomic
def delete_demo_data() -> dict[str, int]:
    """Remove the demo campaign and every demo account, set-based: a few DELETE statements, not a cascade per row.

    Rows other apps hang on demo applications or accounts are removed (or detached) first, following each
    relation's on_delete; a PROTECT relation that holds rows stops everything with a DemoError.
    """
    with BulkWriter(connection).foreign_keys_suspended(BULK_MODELS):
        return _delete_demo_rows()


def _delete_demo_rows() -> dict[str, int]:
    deleted = {"choices": 0, "applications": 0, "accounts": 0}
    competition = demo_competition()
    if competition is not None:
        # Applications by people who tried the demo (few; their accounts are theirs and stay).
        applications = Application.objects.filter(campaign=competition)
        _clear_references(Application, applications.values("pk"), handled={ApplicationChoice})
        deleted["applications"] += applications.delete()[1].get(Application._meta.label, 0)
        SelectionRun.objects.filter(campaign=competition).delete()
        competition.delete()
    campaign = demo_campaign()
    if campaign is not None:
        applications = Application.objects.filter(campaign=campaign)
        _clear_references(Application, applications.values("pk"), handled={ApplicationChoice})
        choices_sql, choices_params = _sql(
            "DELETE FROM {choice} WHERE {choice_application} IN (SELECT {id} FROM {application} WHERE {campaign} = %s)",
            [campaign.pk],
        )
        applications_sql, applications_params = _sql(
            "DELETE FROM {application} WHERE {campaign} = %s", [campaign.pk]
        )
        with connection.cursor() as cursor:
            cursor.execute(choices_sql, choices_params)
            deleted["choices"] = cursor.rowcount
            cursor.execute(applications_sql, applications_params)
            deleted["applications"] += cursor.rowcount
        # The campaign's selection runs protect it and its rules; their decisions and report lines go with them.
        SelectionRun.objects.filter(campaign=campaign).delete()
        # Stages, rules and needs are a few thousand rows: the ORM's cascade is fine for them.
        campaign.delete()
    if campaign is not None or competition is not None:
        _check_deferred_constraints()
    # Applications of demo accounts went with the campaign; one in another campaign (which the demo never makes)
    # fails the foreign key check before commit. Not asked here: without its indexes, dropped for the load, the
    # table would be scanned once per account.
    _clear_references(User, demo_users().values("pk"), handled={Application})
    users_sql, users_params = _sql("DELETE FROM {user} WHERE {email} LIKE %s", [f"%@{DEMO_EMAIL_DOMAIN}"])
    with connection.cursor() as cursor:
        cursor.execute(users_sql, users_params)
        deleted["accounts"] = cursor.rowcount
    # The demo staff's assignments (and their provinces) went with their accounts: their checks too, before the
    # bulk load alters those tables.
    _check_deferred_constraints()
    return deleted


def _check_deferred_constraints() -> None:
    """Check the deferred foreign keys of the deletes so far now, on PostgreSQL, which refuses to alter a table (as
    the bulk load does next) while it has such checks pending. Other engines have nothing pending."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _sql(template: str, params: list) -> tuple[str, list]:
    """A raw statement over the demo's tables, with their quoted names and columns taken from the models."""
    quote = connection.ops.quote_name
    names = {
        "user": quote(User._meta.db_table),
        "email": quote(User._meta.get_field("email").column),
        "application": quote(Application._meta.db_table),
        "id": quote(Application._meta.pk.column),
        "campaign": quote(Application._meta.get_field("campaign").column),
        "choice": quote(ApplicationChoice._meta.db_table),
        "choice_application": quote(ApplicationChoice._meta.get_field("application").column),
    }
    return template.format(**names), params


def _clear_references(model: type[models.Model], pks: models.QuerySet, *, handled: set) -> None:
    """Apply each relation's on_delete to the rows of other models that point at `pks`, before a raw DELETE.

    The relations are those Django's own deletion follows, hidden ones included (the audit log's actor, the
    many-to-many link tables), so nothing is left pointing at a deleted row.
    """
    existing_tables = set(connection.introspection.table_names())
    for relation in _relations_to_delete(model):
        field = relation.field
        related = field.model  # the model whose foreign key points at `model`
        # A model whose table is not there yet (its migration not applied) holds no rows to clear.
        if related in handled or related._meta.db_table not in existing_tables:
            continue
        rows = related._base_manager.filter(**{f"{field.name}__in": pks})
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            rows.delete()
        elif on_delete is models.SET_NULL:
            rows.update(**{field.name: None})
        elif on_delete is models.SET_DEFAULT:
            rows.update(**{field.name: field.get_default()})
        elif on_delete is not models.DO_NOTHING and rows.exists():
            # PROTECT, RESTRICT, or SET(...): rows the demo should not decide about.
            raise DemoError(
                f"Some {related._meta.verbose_name_plural} refer to demo {model._meta.verbose_name_plural}; "
                "remove them before replacing the demo."
            )


def _relations_to_delete(model: type[models.Model]) -> Iterable[models.ForeignObjectRel]:
    """The relations to `model` that Django's deletion follows: the reverse side of foreign keys and one-to-one
    fields (ManyToOneRel, OneToOneRel)."""
    # django-stubs type what it yields as fields; they are these reverse relations.
    return get_candidate_relations_to_delete(model._meta)  # type: ignore[return-value]


def _tables_to_check(*, replaced: bool) -> list[str]:
    """The tables written here and, after a replace, every table that may have pointed at what was deleted."""
    written: set[type[models.Model]] = {User, Application, ApplicationChoice, CommuneNeed}
    if replaced:
        for model in (User, Application, Campaign):
            written.update(relation.field.model for relation in _relations_to_delete(model))
    existing = set(connection.introspection.table_names())
    return sorted(model._meta.db_table for model in written if model._meta.db_table in existing)


def _create_campaign(calendar: Calendar) -> Campaign:
    administration, _ = Administration.objects.get_or_create(
        code="hcp",
        defaults={
            "name_ar": "المندوبية السامية للتخطيط",
            "name_fr": "Haut-Commissariat au Plan",
            "name_en": "High Commission for Planning",
        },
    )
    campaign = Campaign.objects.create(
        administration=administration,
        slug=DEMO_CAMPAIGN_SLUG,
        kind=Campaign.Kind.CENSUS,
        # 2024's campaign replayed on a calendar counted from today: no year in the titles, which would be wrong.
        title_ar="الإحصاء العام للسكان والسكنى: تسجيل وانتقاء المشاركين (عرض تجريبي)",
        title_fr=(
            "Recensement général de la population et de l'habitat : inscription et sélection des participants "
            "(démonstration)"
        ),
        title_en="General Census of Population and Housing: registration and selection of participants (demo)",
        summary_ar=(
            "تسجيل لمدة ثلاثة أسابيع على المنصة، ثم انتقاء أولي آلي للتكوين عن بعد، فمقابلة على مستوى الإقليم، "
            "فتكوين حضوري، على غرار حملة 2024 بتواريخ محسوبة انطلاقا من يوم إنشاء العرض. معطيات تجريبية مصطنعة."
        ),
        summary_fr=(
            "Trois semaines d'inscription sur la plateforme, une présélection automatique pour la formation à "
            "distance, un entretien au niveau de la province, puis une formation présentielle : la campagne de 2024, "
            "avec un calendrier compté à partir du jour où la démonstration a été créée. Données de démonstration "
            "synthétiques."
        ),
        summary_en=(
            "Three weeks of registration on the platform, an automatic preselection for remote training, an "
            "interview at province level, then in-person training: the 2024 campaign, on a calendar counted from "
            "the day the demo was made. Synthetic demonstration data."
        ),
        registration_opens_at=calendar.registration_opens_at,
        registration_closes_at=calendar.registration_closes_at,
        max_commune_choices=generator.MAX_CHOICES,
        is_published=True,
    )
    CampaignStage.objects.bulk_create(
        CampaignStage(campaign=campaign, kind=stage.kind, starts_on=stage.starts_on, ends_on=stage.ends_on)
        for stage in calendar.stages
    )
    CampaignRules.objects.create(
        campaign=campaign, version=1, rules=default_census_rules(), note=CampaignRules.DEFAULT_CENSUS_NOTE
    )
    return campaign


def _create_needs(
    campaign: Campaign, training: generator.Needs, field_needs: generator.Needs, commune_ids: np.ndarray
) -> None:
    CommuneNeed.objects.bulk_create(
        [
            CommuneNeed(campaign=campaign, commune_id=commune_id, stage=stage, quantity=quantity)
            for stage, needs in (
                (CommuneNeed.Stage.TRAINING, training),
                (CommuneNeed.Stage.FIELD, field_needs),
            )
            for commune_id, quantity in zip(
                commune_ids[needs.commune].tolist(), needs.quantity.tolist(), strict=True
            )
        ],
        batch_size=1_000,
    )


def _write_candidates(
    writer: BulkWriter,
    campaign: Campaign,
    calendar: Calendar,
    candidates: generator.Candidates,
    commune_ids: np.ndarray,
    phases: "_Phases",
) -> dict[str, int]:
    """Users, applications and choices, with ids assigned here so that they link up without reading back."""
    n = len(candidates)
    # Choices need no ids of ours (nothing points at them): the table's own sequence numbers them.
    first_user, first_application = writer.first_free_id(User), writer.first_free_id(Application)
    user_ids = np.arange(first_user, first_user + n, dtype=np.int64)
    application_ids = np.arange(first_application, first_application + n, dtype=np.int64)
    opens = np.datetime64(calendar.registration_opens_at.astimezone(UTC).replace(tzinfo=None), "s")
    # The generator counts ages on 2024's opening day; the same ages hold on this calendar's.
    birth_date = (
        candidates.birth_date + (calendar.registration_opens_on - generator.REGISTRATION_OPENS_ON).days
    )
    registered_at = opens + candidates.registered_after.astype("timedelta64[s]")
    submitted_at = opens + candidates.submitted_after.astype("timedelta64[s]")

    first_ar = _lookup([ar for ar, _ in generator.FIRST_NAMES], candidates.first_name)
    first_latin = _lookup([latin for _, latin in generator.FIRST_NAMES], candidates.first_name)
    last_ar = _lookup([ar for ar, _ in vocabulary.LAST_NAMES], candidates.last_name)
    last_latin = _lookup([latin for _, latin in vocabulary.LAST_NAMES], candidates.last_name)
    site_language = _lookup(generator.SITE_LANGUAGES, candidates.site_language)

    with phases.timed("write users") as note:
        emails = [f"c{number:06d}@{DEMO_EMAIL_DOMAIN}" for number in range(1, n + 1)]
        passwords = [UNUSABLE_PASSWORD] * n
        # The demo candidate signs in with a known password and owns the first application.
        emails[0], passwords[0] = CANDIDATE.email, make_password(CANDIDATE.password)
        full_names = [
            f"{first} {last}" if language == "ar" else f"{first_l} {last_l}"
            for first, last, first_l, last_l, language in zip(
                first_ar, last_ar, first_latin, last_latin, site_language, strict=True
            )
        ]
        writer.insert(
            User,
            {
                "id": user_ids,
                "password": passwords,
                "last_login": None,
                "is_superuser": False,
                "email": emails,
                "full_name": full_names,
                "kind": User.Kind.CANDIDATE.value,
                "preferred_language": site_language,
                "is_active": True,
                "is_staff": False,
                "date_joined": registered_at,
            },
            rows=n,
        )
        note(f"{n:,} accounts")

    with phases.timed("write applications") as note:
        writer.insert(
            Application,
            {
                "id": application_ids,
                "campaign": campaign.pk,
                "user": user_ids,
                "status": Application.Status.SUBMITTED.value,
                "cin": candidates.cin_strings(),
                "first_name_ar": first_ar,
                "last_name_ar": last_ar,
                "first_name_latin": first_latin,
                "last_name_latin": last_latin,
                "search_name": _search_names(candidates),
                "birth_date": birth_date,
                "sex": _lookup(("M", "F"), candidates.female.astype(np.int8)),
                "phone": candidates.phone_strings(),
                "residence_commune": commune_ids[candidates.residence],
                "category": _lookup(generator.CATEGORIES, candidates.category),
                "education_level": _lookup(generator.EDUCATION_LEVELS, candidates.education_level),
                "education_field": _lookup(generator.EDUCATION_FIELDS, candidates.education_field),
                "survey_experience_count": candidates.survey_count,
                "survey_experience_detail": _lookup(_survey_details(), candidates.survey_mask),
                "ict_skill": candidates.ict_skill,
                "languages": _lookup(_language_lists(), candidates.language_mask),
                "accepts_any_commune_in_province": candidates.accepts_province_fallback,
                "submitted_at": submitted_at,
                "created_at": registered_at,
                "updated_at": submitted_at,
            },
            rows=n,
        )
        note(f"{n:,} applications")

    with phases.timed("write choices") as note:
        chosen = candidates.choices >= 0  # ranks fill from the left, so row-major order is (candidate, rank)
        rows, ranks = np.nonzero(chosen)
        m = len(rows)
        writer.insert(
            ApplicationChoice,
            {
                "application": application_ids[rows],
                "rank": ranks + 1,
                "commune": commune_ids[candidates.choices[chosen]],
            },
            rows=m,
        )
        note(f"{m:,} choices")
    return {"candidates": n, "choices": m}


def _create_staff_accounts() -> None:
    """The demo's staff, one per role, with Argon2-hashed known passwords: a central administrator (national), a
    provincial supervisor of Kénitra and a regional coordinator of Rabat-Salé-Kénitra. They bear fictitious
    people's names, as real accounts do, rather than English role names that would show on Arabic pages."""
    User.objects.create_superuser(ADMIN.email, ADMIN.password, full_name="Salma Bennani")
    supervisor = User.objects.create_user(
        SUPERVISOR.email,
        SUPERVISOR.password,
        full_name="Youssef Tazi",
        kind=User.Kind.STAFF,
        is_active=True,
    )
    assignment = Assignment.objects.create(user=supervisor, role=Assignment.Role.PROVINCIAL_SUPERVISOR)
    assignment.provinces.set([Province.objects.get(code=SUPERVISED_PROVINCE_CODE)])
    coordinator = User.objects.create_user(
        COORDINATOR.email,
        COORDINATOR.password,
        full_name="Khadija Amrani",
        kind=User.Kind.STAFF,
        is_active=True,
    )
    Assignment.objects.create(
        user=coordinator,
        role=Assignment.Role.REGIONAL_COORDINATOR,
        region=Region.objects.get(code=COORDINATED_REGION_CODE),
    )
    ensure_interviewer()


def ensure_interviewer() -> User:
    """The demo interviewer of Kénitra: made with the other staff, and by demo_interviews for a demo generated
    before she existed."""
    user = User.objects.with_email(INTERVIEWER.email).first()
    if user is None:
        user = User.objects.create_user(
            INTERVIEWER.email,
            INTERVIEWER.password,
            full_name="Hicham Alaoui",
            kind=User.Kind.STAFF,
            is_active=True,
        )
    if not Assignment.objects.filter(user=user, role=Assignment.Role.INTERVIEWER).exists():
        Assignment.objects.create(user=user, role=Assignment.Role.INTERVIEWER).provinces.set(
            [Province.objects.get(code=SUPERVISED_PROVINCE_CODE)]
        )
    return user


def ensure_demo_authenticators() -> int:
    """Give each demo staff account its authenticator with the fixed, printed key; return how many were made.

    Local checkouts only: a key printed by `make demo` and in this repository protects nothing, so a production
    run makes none, and its demo staff (if anyone generates a demo there) enrol their own phone at first sign-in.
    """
    if not settings.BAWABA_LOCAL:
        return 0
    made = 0
    for account in DEMO_STAFF_ACCOUNTS:
        user = User.objects.with_email(account.email).first()
        if user is not None and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, name="authenticator", key=account.authenticator_key, confirmed=True
            )
            made += 1
    return made


def _lookup(table: tuple[str, ...] | list[str], indices: np.ndarray) -> list[str]:
    """Strings by index, as a list that shares the table's string objects (cheap for 488,321 rows)."""
    return np.array(table, dtype=object)[indices].tolist()


def _search_names(candidates: generator.Candidates) -> list[str]:
    """Application.search_name for each candidate, folded once per distinct pair of names, not once per row."""
    last_count = len(vocabulary.LAST_NAMES)
    folded = [
        search_name_for(first_ar, last_ar, first_latin, last_latin)
        for first_ar, first_latin in generator.FIRST_NAMES
        for last_ar, last_latin in vocabulary.LAST_NAMES
    ]
    pair = candidates.first_name.astype(np.int64) * last_count + candidates.last_name
    return _lookup(folded, pair)


def _survey_details() -> list[str]:
    """The detail text for each bit mask of vocabulary.SURVEYS, surveys in chronological order."""
    names = [name for name, _ in vocabulary.SURVEYS]
    return [
        ", ".join(name for i, name in enumerate(names) if mask >> i & 1) for mask in range(1 << len(names))
    ]


def _language_lists() -> list[str]:
    """The JSON text of the languages list for each bit mask of generator.LANGUAGES (Django's JSON rendering)."""
    codes = generator.LANGUAGES
    return [
        json.dumps([code for i, code in enumerate(codes) if mask >> i & 1]) for mask in range(1 << len(codes))
    ]


class _Phases:
    """Reports each phase with its duration, so a national run shows where it is."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress

    @contextmanager
    def timed(self, label: str) -> Iterator[Callable[[str], None]]:
        details: list[str] = []
        started = time.perf_counter()
        yield details.append
        self.report(label, time.perf_counter() - started, details)

    def report(self, label: str, seconds: float, details: Sequence[str] = ()) -> None:
        if self.progress:
            suffix = f": {'; '.join(details)}" if details else ""
            self.progress(f"{label}{suffix} ({seconds:.1f} s)")
