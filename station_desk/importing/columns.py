"""What each kind of import can fill: its columns, their value types, and the headers they go by in five languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from station_desk.i18n import N_
from station_desk.models.enums import InvolvementRole, MeetingKind, PatrolMode, Sex, VisitOutcome
from station_desk.reports.labels import VISIT_OUTCOME_LABELS


@dataclass(frozen=True)
class Column:
    """One thing a row can say. `value_type` picks the parser; `headers` are matched after normalise_label."""

    name: str
    label: str  # English, marked with N_; translated where it is shown
    value_type: str  # text, date, datetime, int, float, bool, category, village, villages, officers, choice
    required: bool = False
    headers: tuple[str, ...] = ()
    choices: Mapping[str, str] = field(default_factory=dict)  # stored value -> English label (N_)
    max_length: int | None = None


# English labels are the same message ids as the forms use, so the catalogs already hold their translations.
ROLE_CHOICES = {
    InvolvementRole.victim.value: N_("Victim"),
    InvolvementRole.alleged_offender.value: N_("Alleged offender"),
    InvolvementRole.complainant.value: N_("Complainant"),
    InvolvementRole.witness.value: N_("Witness"),
    InvolvementRole.other.value: N_("Other"),
}
SEX_CHOICES = {Sex.female.value: N_("Female"), Sex.male.value: N_("Male"), Sex.unknown.value: N_("Not known")}
MODE_CHOICES = {
    PatrolMode.foot.value: N_("On foot"),
    PatrolMode.car.value: N_("By car"),
    PatrolMode.bicycle.value: N_("By bicycle"),
}
# "Incident opened" needs the incident's id, which a register row does not have.
OUTCOME_CHOICES = {
    value: label for value, label in VISIT_OUTCOME_LABELS.items() if value != VisitOutcome.incident_opened.value
}
MEETING_CHOICES = {
    MeetingKind.meeting.value: N_("Meeting with residents"),
    MeetingKind.public_debate.value: N_("Public debate"),
    MeetingKind.safety_committee.value: N_("Safety committee"),
}
# Words registers use for a role that are not the forms' labels.
EXTRA_CHOICE_WORDS = {
    InvolvementRole.victim.value: ("потерпілий", "потерпіла", "pokrzywdzony", "pokrzywdzona", "viktima", "žrtva"),
    InvolvementRole.alleged_offender.value: (
        "кривдник", "підозрюваний", "sprawca", "podejrzany", "autori", "i dyshuari", "osumnjičeni", "осумњичени",
        "offender", "suspect",
    ),
    InvolvementRole.complainant.value: ("заявник", "zgłaszający", "zglaszajacy", "ankuesi", "podnosilac", "reporter"),
    InvolvementRole.witness.value: ("свідок", "świadek", "dëshmitar", "svedok", "сведок"),
    PatrolMode.foot.value: ("пішки", "pieszo", "në këmbë", "peške", "пешке", "foot"),
    PatrolMode.car.value: ("авто", "автомобіль", "samochód", "radiowóz", "veturë", "auto", "аутомобил", "car"),
    PatrolMode.bicycle.value: ("велосипед", "rower", "biçikletë", "bicikl", "бицикл", "bicycle", "bike"),
    Sex.female.value: ("ж", "жін", "k", "kobieta", "f", "femër", "žensko", "женско"),
    Sex.male.value: ("ч", "чол", "m", "mężczyzna", "mashkull", "muško", "мушко"),
}  # fmt: skip

_DATE = ("дата", "data", "datë", "датум", "datum", "date", "день", "dzień", "dita", "дан", "dan", "day")
_PLACE = ("місце", "miejsce", "vendi", "место", "mesto", "place", "location")
_VILLAGE = ("село", "населений пункт", "wieś", "miejscowość", "fshati", "fshat", "selo", "насеље", "naselje", "village")

PERSON_IN_ROW = (
    Column("person_name", N_("Person (full name)"), "text", headers=(
        "особа", "піб", "прізвище ім'я по батькові", "прізвище та ім'я", "osoba", "imię i nazwisko", "nazwisko i imię",
        "personi", "emri dhe mbiemri", "emri mbiemri", "лице", "име и презиме", "ime i prezime", "lice", "person",
        "full name", "name", "person name",
    )),
    Column("person_last_name", N_("Last name"), "text", max_length=120, headers=(
        "прізвище", "nazwisko", "mbiemri", "презиме", "prezime", "last name", "surname", "family name",
    )),
    Column("person_first_name", N_("First name"), "text", max_length=120, headers=(
        "ім'я", "імя", "imię", "emri", "име", "ime", "first name", "given name",
    )),
    Column("person_patronymic", N_("Patronymic"), "text", max_length=120, headers=(
        "по батькові", "imię ojca", "atësia", "emri i babait", "очево име", "očevo ime", "patronymic",
    )),
    Column("person_birth_date", N_("Date of birth"), "date", headers=(
        "дата народження", "д н", "data urodzenia", "datëlindja", "data e lindjes", "датум рођења", "datum rođenja",
        "date of birth", "birth date", "dob", "born",
    )),
    Column("person_role", N_("Role"), "choice", choices=ROLE_CHOICES, headers=(
        "роль", "статус особи", "rola", "roli", "улога", "uloga", "role",
    )),
)  # fmt: skip

INCIDENT_COLUMNS = (
    Column("number", N_("Register number"), "text", max_length=30, headers=(
        "номер", "№", "реєстраційний номер", "номер єо", "numer", "nr", "lp", "numri", "nr i regjistrit", "број",
        "broj", "number", "no", "register number",
    )),
    Column("reported_at", N_("Reported"), "datetime", required=True, headers=(
        *_DATE, "дата реєстрації", "дата повідомлення", "дата події", "data zgłoszenia", "data zdarzenia",
        "data rejestracji", "data e raportimit", "data e ngjarjes", "датум пријаве", "datum prijave", "datum događaja",
        "reported", "reported at", "date reported", "reported_at",
    )),
    Column("category_code", N_("Category"), "category", required=True, headers=(
        "категорія", "вид події", "вид", "kategoria", "rodzaj zdarzenia", "rodzaj", "lloji", "kategorija",
        "категорија", "vrsta", "врста", "category", "type", "category code", "category_code", "iccs", "iccs code",
    )),
    Column("village_id", N_("Village"), "village", headers=_VILLAGE),
    Column("address", N_("Address"), "text", max_length=300, headers=("адреса", "adres", "adresa", "address")),
    Column("narrative", N_("What happened"), "text", headers=(
        "опис", "фабула", "зміст", "короткий зміст", "opis", "treść", "opis zdarzenia", "përshkrimi", "përmbajtja",
        "опис догађаја", "opis događaja", "description", "narrative", "summary", "what happened",
    )),
    Column("domestic_violence", N_("Domestic violence"), "bool", headers=(
        "домашнє насильство", "дн", "przemoc domowa", "dhunë në familje", "насиље у породици", "nasilje u porodici",
        "domestic violence", "domestic_violence",
    )),
    Column("national_register_number", N_("National register number"), "text", max_length=60, headers=(
        "номер єрдр", "єрдр", "номер в єрдр", "numer ksip", "ksip", "numri kombëtar", "national register number",
    )),
    *PERSON_IN_ROW,
)  # fmt: skip

PERSON_COLUMNS = (
    Column("last_name", N_("Last name"), "text", required=True, max_length=120, headers=PERSON_IN_ROW[1].headers),
    Column("first_name", N_("First name"), "text", required=True, max_length=120, headers=PERSON_IN_ROW[2].headers),
    Column("patronymic", N_("Patronymic"), "text", max_length=120, headers=PERSON_IN_ROW[3].headers),
    Column("birth_date", N_("Date of birth"), "date", headers=PERSON_IN_ROW[4].headers),
    Column("sex", N_("Sex"), "choice", choices=SEX_CHOICES, headers=("стать", "płeć", "gjinia", "пол", "pol", "sex")),
    Column("village_id", N_("Village"), "village", headers=_VILLAGE),
    Column("address", N_("Address"), "text", max_length=300, headers=("адреса", "adres", "adresa", "address")),
    Column("phone", N_("Phone"), "text", max_length=50, headers=("телефон", "tel", "telefon", "телефон", "phone")),
    Column("id_document", N_("Identity document"), "text", max_length=60, headers=(
        "документ", "паспорт", "dowód osobisty", "pesel", "dokument", "letërnjoftimi", "лична карта", "lična karta",
        "id document", "identity document", "passport",
    )),
    Column("notes", N_("Notes"), "text", headers=("примітки", "uwagi", "shënime", "напомене", "napomene", "notes")),
)  # fmt: skip

PATROL_COLUMNS = (
    Column("started_at", N_("Started"), "datetime", required=True, headers=(
        *_DATE, "початок", "час початку", "rozpoczęcie", "początek", "fillimi", "почетак", "početak", "start",
        "started",
    )),
    Column("ended_at", N_("Ended"), "datetime", required=True, headers=(
        "кінець", "закінчення", "час закінчення", "zakończenie", "koniec", "mbarimi", "крај", "kraj", "end", "ended",
    )),
    Column("mode", N_("How"), "choice", choices=MODE_CHOICES, headers=(
        "вид патрулювання", "спосіб", "sposób", "rodzaj patrolu", "mënyra", "начин", "način", "mode", "how",
    )),
    Column("officer_ids", N_("Officers"), "officers", headers=(
        "поліцейські", "працівники", "склад", "policjanci", "funkcionarët", "policët", "полицајци", "policajci",
        "officers", "officer",
    )),
    Column("vehicle", N_("Vehicle"), "text", max_length=60, headers=(
        "транспорт", "автомобіль", "pojazd", "automjeti", "возило", "vozilo", "vehicle",
    )),
    Column("km", N_("Kilometres"), "float", headers=("км", "кілометри", "km", "kilometry", "kilometra", "kilometres")),
    Column("purpose", N_("Purpose"), "text", headers=("мета", "завдання", "cel", "qëllimi", "циљ", "cilj", "purpose")),
    Column("observations", N_("Observations"), "text", headers=(
        "результати", "спостереження", "obserwacje", "uwagi", "vëzhgime", "запажања", "zapažanja", "observations",
    )),
    Column("village_ids", N_("Villages"), "villages", headers=(
        *_VILLAGE, "села", "маршрут", "wsie", "trasa", "fshatrat", "села", "sela", "villages", "route",
    )),
)  # fmt: skip

VISIT_COLUMNS = (
    Column("day", N_("Date"), "date", required=True, headers=(*_DATE, "дата прийому", "data przyjęcia")),
    Column("place", N_("Place"), "text", max_length=200, headers=_PLACE),
    Column("visitor_name", N_("Visitor"), "text", required=True, max_length=200, headers=(
        "відвідувач", "громадянин", "заявник", "піб", "interesant", "odwiedzający", "vizitori", "qytetari", "посетилац",
        "posetilac", "građanin", "visitor", "name",
    )),
    Column("topic", N_("Topic"), "text", required=True, max_length=300, headers=(
        "питання", "суть звернення", "тема", "sprawa", "temat", "çështja", "tema", "питање", "pitanje", "тема", "topic",
    )),
    Column("outcome", N_("Outcome"), "choice", choices=OUTCOME_CHOICES, headers=(
        "результат", "вжиті заходи", "wynik", "sposób załatwienia", "rezultati", "исход", "ishod", "outcome",
    )),
    Column("follow_up_on", N_("Follow up on"), "date", headers=(
        "контроль", "дата контролю", "termin", "afati", "рок", "rok", "follow up", "follow up on",
    )),
    Column("resolved", N_("Resolved"), "bool", headers=(
        "вирішено", "załatwiono", "załatwione", "zgjidhur", "решено", "rešeno", "resolved",
    )),
)  # fmt: skip

MEETING_COLUMNS = (
    Column("held_at", N_("Held on"), "datetime", required=True, headers=(*_DATE, "held", "held on", "held at")),
    Column("kind", N_("Kind"), "choice", choices=MEETING_CHOICES, headers=(
        "вид", "форма", "rodzaj", "lloji", "врста", "vrsta", "kind", "type",
    )),
    Column("place", N_("Place"), "text", required=True, max_length=200, headers=_PLACE),
    Column("village_id", N_("Village"), "village", headers=_VILLAGE),
    Column("attendance", N_("Attendance"), "int", headers=(
        "присутні", "кількість присутніх", "obecni", "liczba uczestników", "pjesëmarrës", "присутни", "prisutni",
        "attendance", "attended",
    )),
    Column("issues_raised", N_("Issues raised"), "text", headers=(
        "порушені питання", "питання", "poruszone sprawy", "problemy", "çështjet", "питања", "pitanja", "issues",
        "issues raised",
    )),
    Column("commitments", N_("Commitments"), "text", headers=(
        "домовленості", "зобов'язання", "ustalenia", "zobowiązania", "zotimet", "обавезе", "obaveze", "commitments",
    )),
)  # fmt: skip

COLUMNS_BY_KIND: dict[str, tuple[Column, ...]] = {
    "incidents": INCIDENT_COLUMNS,
    "persons": PERSON_COLUMNS,
    "patrols": PATROL_COLUMNS,
    "reception-visits": VISIT_COLUMNS,
    "meetings": MEETING_COLUMNS,
}
KIND_LABELS = {
    "incidents": N_("Incidents"),
    "persons": N_("Persons"),
    "patrols": N_("Patrols"),
    "reception-visits": N_("Reception visits"),
    "meetings": N_("Community meetings"),
}
KINDS = tuple(COLUMNS_BY_KIND)


def column_of(kind: str, name: str) -> Column:
    return next(column for column in COLUMNS_BY_KIND[kind] if column.name == name)
