"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23

Every table of the domain, the FTS5 search index, and the incident categories with their ICCS codes.

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

import station_desk.models.base


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# The local categories officers use, each mapped to the UNODC ICCS code that makes three countries comparable.
# (code, ICCS code, ICCS section, default legal type, may be domestic violence, uk, pl, sq, sr, en)
CATEGORIES = [
    ("assault", "02011", "02", "criminal", True, "Напад, тілесні ушкодження", "Pobicie, naruszenie nietykalności",
     "Sulm, lëndim trupor", "Напад, телесна повреда", "Assault"),
    ("threat", "02012", "02", "criminal", True, "Погроза", "Groźba karalna", "Kanosje", "Претња", "Threat"),
    ("psychological_violence", "0208", "02", "administrative", True, "Психологічне насильство, переслідування",
     "Przemoc psychiczna, nękanie", "Dhunë psikologjike, ngacmim", "Психичко насиље, прогањање",
     "Psychological violence, harassment, stalking"),
    ("insult", "0209", "02", "administrative", False, "Образа, наклеп", "Znieważenie, zniesławienie",
     "Fyerje, shpifje", "Увреда, клевета", "Insult, defamation"),
    ("sexual_violence", "0301", "03", "criminal", True, "Сексуальне насильство", "Przemoc seksualna",
     "Dhunë seksuale", "Сексуално насиље", "Sexual violence"),
    ("robbery", "0401", "04", "criminal", False, "Грабіж, розбій", "Rozbój", "Grabitje", "Разбојништво",
     "Robbery"),
    ("burglary", "0501", "05", "criminal", False, "Крадіжка з проникненням", "Kradzież z włamaniem",
     "Vjedhje me thyerje", "Провална крађа", "Burglary (house, barn)"),
    ("theft", "0502", "05", "criminal", False, "Крадіжка", "Kradzież", "Vjedhje", "Крађа", "Theft"),
    ("vehicle_theft", "05021", "05", "criminal", False, "Крадіжка транспортного засобу", "Kradzież pojazdu",
     "Vjedhje automjeti", "Крађа возила", "Theft of a vehicle"),
    ("personal_theft", "05022", "05", "criminal", False, "Крадіжка особистих речей", "Kradzież rzeczy osobistych",
     "Vjedhje sendesh personale", "Крађа личних ствари", "Theft of personal property"),
    ("livestock_theft", "05025", "05", "criminal", False, "Крадіжка худоби", "Kradzież zwierząt gospodarskich",
     "Vjedhje bagëtish", "Крађа стоке", "Theft of livestock"),
    ("vandalism", "0504", "05", "criminal", False, "Пошкодження майна, підпал", "Zniszczenie mienia, podpalenie",
     "Dëmtim prone, zjarrvënie", "Оштећење имовине, паљевина", "Vandalism, arson"),
    ("fraud", "0701", "07", "criminal", False, "Шахрайство", "Oszustwo", "Mashtrim", "Превара",
     "Fraud (phone scams)"),
    ("handling_stolen_goods", "0704", "07", "criminal", False, "Збут краденого", "Paserstwo",
     "Blerje e sendeve të vjedhura", "Прикривање украдених ствари", "Handling stolen goods"),
    ("drugs", "0601", "06", "criminal", False, "Наркотики", "Narkotyki", "Narkotikë", "Дрога", "Drugs"),
    ("animal_cruelty", "10091", "10", "criminal", False, "Жорстоке поводження з тваринами",
     "Znęcanie się nad zwierzętami", "Mizori ndaj kafshëve", "Мучење животиња", "Cruelty to animals"),
    ("road_death", "010321", "01", "criminal", False, "ДТП із загиблими", "Wypadek drogowy ze skutkiem śmiertelnym",
     "Vdekje në trafik nga pakujdesia", "Саобраћајна незгода са смртним исходом", "Road death by negligence"),
    ("homicide", "0101", "01", "criminal", False, "Умисне вбивство", "Zabójstwo", "Vrasje", "Убиство", "Homicide"),
    ("attempted_homicide", "0102", "01", "criminal", False, "Замах на вбивство", "Usiłowanie zabójstwa",
     "Tentativë vrasjeje", "Покушај убиства", "Attempted homicide"),
    ("public_order", "08", "08", "administrative", False, "Порушення громадського порядку",
     "Naruszenie porządku publicznego", "Prishje e rendit publik", "Нарушавање јавног реда и мира",
     "Public order"),
    ("environment", "10", "10", "administrative", False, "Довкілля: браконьєрство, незаконна вирубка",
     "Środowisko: kłusownictwo, nielegalna wycinka", "Mjedisi: gjueti pa leje, prerje e paligjshme",
     "Животна средина: криволов, бесправна сеча", "Environment: poaching, illegal logging"),
    ("traffic", "09", "09", "administrative", False, "Порушення правил дорожнього руху", "Wykroczenia drogowe",
     "Shkelje në trafik", "Саобраћајни прекршаји", "Traffic offences"),
    ("family_dispute", None, None, "no_offence", True, "Сімейний конфлікт", "Awantura domowa",
     "Konflikt familjar", "Породична свађа", "Family dispute"),
    ("neighbour_dispute", None, None, "no_offence", False, "Конфлікт між сусідами", "Spór sąsiedzki",
     "Konflikt mes fqinjësh", "Суседски спор", "Neighbour dispute"),
    ("lost_property", None, None, "no_offence", False, "Втрачене майно", "Rzeczy zgubione", "Sende të humbura",
     "Изгубљене ствари", "Lost property"),
    ("assistance", None, None, "no_offence", False, "Допомога громадянам", "Pomoc obywatelom",
     "Ndihmë qytetarëve", "Помоћ грађанима", "Assistance to citizens"),
    ("hazard", None, None, "no_offence", False, "Небезпека: дорога, тварини, пожежа",
     "Zagrożenie: droga, zwierzęta, pożar", "Rrezik: rrugë, kafshë, zjarr", "Опасност: пут, животиње, пожар",
     "Hazard: road, animals, fire"),
]


def upgrade() -> None:
    """Upgrade schema."""
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('auditentry',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('action', sa.Enum('create', 'update', 'delete', 'view', 'status_change', 'export', 'print', 'login', 'login_failed', 'user_change', name='auditaction'), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('previous_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entry_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_record_id'), ['record_id'], unique=False)

    op.create_table('category',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('iccs_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('iccs_section', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('default_legal_type', sa.Enum('criminal', 'administrative', 'no_offence', name='legaltype'), nullable=False),
    sa.Column('domestic_violence_possible', sa.Boolean(), nullable=False),
    sa.Column('name_uk', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_pl', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_sq', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_sr', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('dailystatistics',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('fatal_accidents', sa.Integer(), nullable=False),
    sa.Column('injury_accidents', sa.Integer(), nullable=False),
    sa.Column('damage_only_accidents', sa.Integer(), nullable=False),
    sa.Column('traffic_tickets', sa.Integer(), nullable=False),
    sa.Column('arrests', sa.Integer(), nullable=False),
    sa.Column('people_held', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dailystatistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dailystatistics_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_dailystatistics_station_id'), ['station_id'], unique=False)

    op.create_table('outboxentry',
    sa.Column('client_seq', sa.Integer(), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('client_seq')
    )
    op.create_table('patrol',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('started_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('ended_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('mode', sa.Enum('foot', 'car', 'bicycle', name='patrolmode'), nullable=False),
    sa.Column('officer_ids', sa.JSON(), nullable=False),
    sa.Column('vehicle', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('km', sa.Float(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('observations', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('patrol', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_station_id'), ['station_id'], unique=False)

    op.create_table('receptionschedule',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receptionschedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptionschedule_station_id'), ['station_id'], unique=False)

    op.create_table('station',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('country', sa.Enum('UA', 'PL', 'XK', name='country'), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_station_id'), ['station_id'], unique=False)

    op.create_table('syncstate',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('user',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sa.Enum('officer', 'commander', name='role'), nullable=False),
    sa.Column('rank', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_station_id'), ['station_id'], unique=False)

    op.create_table('village',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_village_station_id'), ['station_id'], unique=False)

    op.create_table('communitymeeting',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('kind', sa.Enum('meeting', 'public_debate', 'safety_committee', name='meetingkind'), nullable=False),
    sa.Column('held_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('issues_raised', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commitments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('communitymeeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communitymeeting_held_at'), ['held_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_communitymeeting_station_id'), ['station_id'], unique=False)

    op.create_table('incident',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('reported_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('occurred_from', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('occurred_to', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('source', sa.Enum('walk_in', 'reception', 'phone', 'patrol', 'threat_map', 'referral', name='incidentsource'), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('legal_type', sa.Enum('criminal', 'administrative', 'no_offence', name='legaltype'), nullable=False),
    sa.Column('domestic_violence', sa.Boolean(), nullable=False),
    sa.Column('narrative', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'approved', 'closed', 'voided', name='incidentstatus'), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'solved', 'referred', 'warning', 'fined', 'criminal_case_opened', 'no_action', name='outcome'), nullable=False),
    sa.Column('due_on', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('national_register_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('blue_card_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('confidentiality', sa.Enum('normal', 'sensitive', 'restricted', name='confidentiality'), nullable=False),
    sa.Column('patrol_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('submitted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('approved_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('closed_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('return_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('void_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['category_code'], ['category.code'], ),
    sa.ForeignKeyConstraint(['patrol_id'], ['patrol.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_category_code'), ['category_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_domestic_violence'), ['domestic_violence'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_village_id'), ['village_id'], unique=False)

    op.create_table('patrolvillage',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('patrol_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.ForeignKeyConstraint(['patrol_id'], ['patrol.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('patrolvillage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrolvillage_patrol_id'), ['patrol_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrolvillage_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrolvillage_village_id'), ['village_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('patronymic', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('approximate_age', sa.Integer(), nullable=True),
    sa.Column('approximate_age_on', sa.Date(), nullable=True),
    sa.Column('sex', sa.Enum('female', 'male', 'unknown', name='sex'), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('id_document', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_last_name'), ['last_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_station_id'), ['station_id'], unique=False)

    op.create_table('preventionevent',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('kind', sa.Enum('school_talk', 'road_safety', 'senior_safety', 'other', name='preventionkind'), nullable=False),
    sa.Column('held_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('audience_size', sa.Integer(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('preventionevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preventionevent_held_at'), ['held_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_preventionevent_station_id'), ['station_id'], unique=False)

    op.create_table('priorityplan',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('goal', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('evaluation', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('priorityplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priorityplan_station_id'), ['station_id'], unique=False)

    op.create_table('receptionsession',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('schedule_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['schedule_id'], ['receptionschedule.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receptionsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptionsession_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_receptionsession_station_id'), ['station_id'], unique=False)

    op.create_table('residentthreat',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('category', sa.Enum('illegal_speeding', 'drinking_in_public', 'green_area_devastation', 'stray_dogs', 'poaching', 'illegal_logging', 'illegal_waste_dumping', 'drug_dealing', 'vandalism', 'improper_parking', 'dangerous_road_spot', 'youth_gatherings', 'begging', 'illegal_fuel_sales', 'animal_abuse', 'other', name='threatcategory'), nullable=False),
    sa.Column('reported_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.Enum('new', 'verifying', 'confirmed_in_progress', 'confirmed_eliminated', 'not_confirmed', 'joke_or_mistake', 'passed_outside_police', name='threatstatus'), nullable=False),
    sa.Column('action_taken', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('residentthreat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residentthreat_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_residentthreat_station_id'), ['station_id'], unique=False)

    op.create_table('domesticviolencedetails',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('physical', sa.Boolean(), nullable=False),
    sa.Column('sexual', sa.Boolean(), nullable=False),
    sa.Column('psychological', sa.Boolean(), nullable=False),
    sa.Column('economic', sa.Boolean(), nullable=False),
    sa.Column('relationship', sa.Enum('partner', 'former_partner', 'family_member', 'other_known', 'stranger', name='relationship'), nullable=False),
    sa.Column('children_present', sa.Boolean(), nullable=False),
    sa.Column('blue_card_form', sa.Enum('A', 'B', 'C', 'D', name='bluecardform'), nullable=True),
    sa.Column('referrals', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id')
    )
    with op.batch_alter_table('domesticviolencedetails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domesticviolencedetails_station_id'), ['station_id'], unique=False)

    op.create_table('incidentnote',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sa.Enum('note', 'supplement', 'status_change', name='notekind'), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status_from', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('status_to', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incidentnote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidentnote_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidentnote_station_id'), ['station_id'], unique=False)

    op.create_table('involvement',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('person_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('role', sa.Enum('victim', 'alleged_offender', 'complainant', 'witness', 'child_witness', 'guardian', 'interpreter', 'other', name='involvementrole'), nullable=False),
    sa.Column('data_category', sa.Enum('suspect', 'convicted', 'victim', 'other', name='dataprotectioncategory'), nullable=False),
    sa.Column('minor_at_time', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvement_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_station_id'), ['station_id'], unique=False)

    op.create_table('offendermonitoring',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('person_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('offendermonitoring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offendermonitoring_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offendermonitoring_station_id'), ['station_id'], unique=False)

    op.create_table('planaction',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('partners', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['priorityplan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planaction_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planaction_station_id'), ['station_id'], unique=False)

    op.create_table('propertyitem',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('role', sa.Enum('stolen', 'recovered', 'evidence', 'found', name='propertyrole'), nullable=False),
    sa.Column('kind', sa.Enum('livestock', 'fuel', 'tools', 'vehicle', 'money', 'phone', 'other', name='propertykind'), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('propertyitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_propertyitem_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_propertyitem_station_id'), ['station_id'], unique=False)

    op.create_table('protectivemeasure',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sa.Enum('urgent_restraining_order', 'restrictive_order', 'temporary_emergency_protection_order', 'protection_order', 'blue_card', 'eviction_order', name='measurekind'), nullable=False),
    sa.Column('against_person_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('issued_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.ForeignKeyConstraint(['against_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('protectivemeasure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protectivemeasure_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_protectivemeasure_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_protectivemeasure_station_id'), ['station_id'], unique=False)

    op.create_table('receptionvisit',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('visitor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('person_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('outcome', sa.Enum('advice_given', 'incident_opened', 'referred', 'other', name='visitoutcome'), nullable=False),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['receptionsession.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receptionvisit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptionvisit_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receptionvisit_station_id'), ['station_id'], unique=False)

    op.create_table('riskassessment',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('incident_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('level', sa.Enum('low', 'medium', 'high', name='risklevel'), nullable=False),
    sa.Column('assessed_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('riskassessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_riskassessment_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_riskassessment_station_id'), ['station_id'], unique=False)

    op.create_table('measurebreach',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('measure_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('occurred_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['protectivemeasure.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measurebreach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurebreach_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurebreach_station_id'), ['station_id'], unique=False)

    op.create_table('monitoringcheckin',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('station_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', station_desk.models.base.UTCDateTime(), nullable=True),
    sa.Column('monitoring_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('at', station_desk.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['monitoring_id'], ['offendermonitoring.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('monitoringcheckin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoringcheckin_monitoring_id'), ['monitoring_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoringcheckin_station_id'), ['station_id'], unique=False)

    # ### end Alembic commands ###

    # Full-text search over narratives and names: folded text plus a Latin transliteration (see services/search).
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "record_type UNINDEXED, record_id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2')"
    )
    op.create_index("ix_incident_reported_at_id", "incident", ["reported_at", "id"])
    category = sa.table(
        "category",
        *(sa.column(name) for name in ("code", "iccs_code", "iccs_section", "default_legal_type",
          "domestic_violence_possible", "name_uk", "name_pl", "name_sq", "name_sr", "name_en", "sort_order",
          "version")),
    )
    op.bulk_insert(
        category,
        [
            dict(zip(("code", "iccs_code", "iccs_section", "default_legal_type", "domestic_violence_possible",
                      "name_uk", "name_pl", "name_sq", "name_sr", "name_en"), row), sort_order=order, version=1)
            for order, row in enumerate(CATEGORIES)
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_index("ix_incident_reported_at_id", table_name="incident")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('monitoringcheckin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoringcheckin_station_id'))
        batch_op.drop_index(batch_op.f('ix_monitoringcheckin_monitoring_id'))

    op.drop_table('monitoringcheckin')
    with op.batch_alter_table('measurebreach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurebreach_station_id'))
        batch_op.drop_index(batch_op.f('ix_measurebreach_measure_id'))

    op.drop_table('measurebreach')
    with op.batch_alter_table('riskassessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_riskassessment_station_id'))
        batch_op.drop_index(batch_op.f('ix_riskassessment_incident_id'))

    op.drop_table('riskassessment')
    with op.batch_alter_table('receptionvisit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receptionvisit_station_id'))
        batch_op.drop_index(batch_op.f('ix_receptionvisit_session_id'))

    op.drop_table('receptionvisit')
    with op.batch_alter_table('protectivemeasure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protectivemeasure_station_id'))
        batch_op.drop_index(batch_op.f('ix_protectivemeasure_incident_id'))
        batch_op.drop_index(batch_op.f('ix_protectivemeasure_expires_at'))

    op.drop_table('protectivemeasure')
    with op.batch_alter_table('propertyitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_propertyitem_station_id'))
        batch_op.drop_index(batch_op.f('ix_propertyitem_incident_id'))

    op.drop_table('propertyitem')
    with op.batch_alter_table('planaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planaction_station_id'))
        batch_op.drop_index(batch_op.f('ix_planaction_plan_id'))

    op.drop_table('planaction')
    with op.batch_alter_table('offendermonitoring', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offendermonitoring_station_id'))
        batch_op.drop_index(batch_op.f('ix_offendermonitoring_person_id'))

    op.drop_table('offendermonitoring')
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvement_station_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_person_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_incident_id'))

    op.drop_table('involvement')
    with op.batch_alter_table('incidentnote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidentnote_station_id'))
        batch_op.drop_index(batch_op.f('ix_incidentnote_incident_id'))

    op.drop_table('incidentnote')
    with op.batch_alter_table('domesticviolencedetails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domesticviolencedetails_station_id'))

    op.drop_table('domesticviolencedetails')
    with op.batch_alter_table('residentthreat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residentthreat_station_id'))
        batch_op.drop_index(batch_op.f('ix_residentthreat_reported_at'))

    op.drop_table('residentthreat')
    with op.batch_alter_table('receptionsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receptionsession_station_id'))
        batch_op.drop_index(batch_op.f('ix_receptionsession_day'))

    op.drop_table('receptionsession')
    with op.batch_alter_table('priorityplan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priorityplan_station_id'))

    op.drop_table('priorityplan')
    with op.batch_alter_table('preventionevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preventionevent_station_id'))
        batch_op.drop_index(batch_op.f('ix_preventionevent_held_at'))

    op.drop_table('preventionevent')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_station_id'))
        batch_op.drop_index(batch_op.f('ix_person_last_name'))

    op.drop_table('person')
    with op.batch_alter_table('patrolvillage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrolvillage_village_id'))
        batch_op.drop_index(batch_op.f('ix_patrolvillage_station_id'))
        batch_op.drop_index(batch_op.f('ix_patrolvillage_patrol_id'))

    op.drop_table('patrolvillage')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_village_id'))
        batch_op.drop_index(batch_op.f('ix_incident_status'))
        batch_op.drop_index(batch_op.f('ix_incident_station_id'))
        batch_op.drop_index(batch_op.f('ix_incident_reported_at'))
        batch_op.drop_index(batch_op.f('ix_incident_number'))
        batch_op.drop_index(batch_op.f('ix_incident_domestic_violence'))
        batch_op.drop_index(batch_op.f('ix_incident_category_code'))

    op.drop_table('incident')
    with op.batch_alter_table('communitymeeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communitymeeting_station_id'))
        batch_op.drop_index(batch_op.f('ix_communitymeeting_held_at'))

    op.drop_table('communitymeeting')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_station_id'))
        batch_op.drop_index(batch_op.f('ix_village_name'))

    op.drop_table('village')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_station_id'))

    op.drop_table('user')
    op.drop_table('syncstate')
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_station_id'))

    op.drop_table('station')
    with op.batch_alter_table('receptionschedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receptionschedule_station_id'))

    op.drop_table('receptionschedule')
    with op.batch_alter_table('patrol', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_station_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_started_at'))

    op.drop_table('patrol')
    op.drop_table('outboxentry')
    with op.batch_alter_table('dailystatistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dailystatistics_station_id'))
        batch_op.drop_index(batch_op.f('ix_dailystatistics_day'))

    op.drop_table('dailystatistics')
    op.drop_table('category')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_record_id'))

    op.drop_table('auditentry')
    # ### end Alembic commands ###
