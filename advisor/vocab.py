"""Closed vocabularies of the contract (spec/contract.md §4). Words only: no legal numbers here."""
from typing import Literal, get_args

Pathway = Literal["not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]
PATHWAY_ORDER: tuple[str, ...] = get_args(Pathway)  # strictness, lowest first

Exemption = Literal[
    "no_regulated_data", "collected_abroad", "contract_necessity", "hr_management", "emergency",
    "below_threshold", "statutory_duty", "local_list", "treaty", "automotive_guide",
]
Mechanism = Literal["security_assessment", "standard_contract", "certification", "gba_standard_contract"]
Purpose = Literal[
    "contract_with_individual", "hr_management", "emergency", "statutory_duty", "international_trade",
    "cross_border_transport", "academic_cooperation", "transnational_manufacturing", "marketing",
    "intra_group_sharing", "it_services", "research_development", "clinical_trial", "customer_service",
    "foreign_authority_request", "other", "treaty_arrangement",
    # the 2026 automotive guide's own exempt scenarios (slugs chosen by the project; docs/profile.md)
    "automotive_vulnerability", "automotive_incident", "automotive_ota",
]
AUTOMOTIVE_SCENARIOS: tuple[str, ...] = ("automotive_vulnerability", "automotive_incident", "automotive_ota")
SpecialCategory = Literal[
    "human_genetic_resources", "state_secrets", "surveying_mapping", "securities_business",
    "export_controlled", "health_medical", "financial", "automotive",
]
Sector = Literal[
    "automotive", "biomedicine", "medical_devices", "healthcare", "banking", "insurance", "securities_funds",
    "payments_clearing", "retail", "ecommerce", "hospitality", "logistics_shipping", "civil_aviation", "ai",
    "manufacturing", "internet_services", "telecom", "energy", "education_research", "gaming", "tourism",
    "duty_free", "deep_sea", "aerospace", "seed_industry", "meteorology", "other",
]
Zone = Literal[
    "beijing-ftz", "daxing-airport-zone", "tianjin-ftz", "shanghai-ftz", "lingang", "hongqiao-cbd",
    "zhejiang-ftz", "jiangsu-ftz-suzhou", "fujian-ftz-pingtan", "guangxi-ftz", "chongqing-ftz", "liangjiang",
    "hainan-ftp", "nansha", "qianhai", "hengqin", "hetao", "jiangbei-new-area",
]
RecipientKind = Literal["affiliate", "third_party", "processor", "individual"]
Established = Literal["mainland", "abroad"]
OnwardTransfer = Literal["none", "within_gba", "outside_gba"]
MeasureStatus = Literal["active", "expired", "superseded", "not_yet_effective", "unverified", "draft"]
Lang = Literal["zh", "en"]
DeadlineId = Literal[
    "standard_contract_filing", "gba_standard_contract_filing", "assessment_expiry",
    "assessment_extension_window_opens", "certification_expiry", "certification_reapply_by",
]
RequirementId = Literal[
    "foreign_authority_approval", "hgr_report_and_backup", "state_secret_approval", "surveying_approval",
    "csrc_consent", "export_licence",
]

PURPOSES = frozenset(get_args(Purpose))
SECTORS = frozenset(get_args(Sector))
ZONES = frozenset(get_args(Zone))
SPECIAL_CATEGORIES = frozenset(get_args(SpecialCategory))
MECHANISMS: tuple[str, ...] = get_args(Mechanism)
