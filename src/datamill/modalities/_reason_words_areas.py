"""The refusal words each area keeps in a module of its own (ledger, workforce, LLM records and
deliveries, media files, operations, catalog, CLI), English and zh-CN, gathered into one table a
language for the reason-code registry (``_reason_words``). A new area's module is added here,
at the end: a later table's word wins where two name one code."""

from __future__ import annotations

from datamill.modalities import _reason_words_acceptance_h9 as _acceptance_h9
from datamill.modalities import _reason_words_api_h7 as _api_h7
from datamill.modalities import _reason_words_business_h4 as _business_h4
from datamill.modalities import _reason_words_business_r4 as _business_r4
from datamill.modalities import _reason_words_catalog as _catalog
from datamill.modalities import _reason_words_cli_h2 as _cli
from datamill.modalities import _reason_words_cli_h3 as _cli_h3
from datamill.modalities import _reason_words_compliance_h3 as _compliance_h3
from datamill.modalities import _reason_words_compliance_h6 as _compliance_h6
from datamill.modalities import _reason_words_contract_h7 as _contract_h7
from datamill.modalities import _reason_words_crash_h1 as _crash_h1
from datamill.modalities import _reason_words_debt_h15 as _debt_h15
from datamill.modalities import _reason_words_delivery_h15 as _delivery_h15
from datamill.modalities import _reason_words_engine_h16 as _engine_h16
from datamill.modalities import _reason_words_erasure_h1 as _erasure
from datamill.modalities import _reason_words_export_h11 as _export_h11
from datamill.modalities import _reason_words_h9 as _h9
from datamill.modalities import _reason_words_image_h1 as _image_h1
from datamill.modalities import _reason_words_image_h5 as _image_h5
from datamill.modalities import _reason_words_import_h1 as _import_h1
from datamill.modalities import _reason_words_import_h6 as _import_h6
from datamill.modalities import _reason_words_import_h9 as _import_h9
from datamill.modalities import _reason_words_import_h16 as _import_h16
from datamill.modalities import _reason_words_labelled_h9 as _labelled_h9
from datamill.modalities import _reason_words_lang_h3 as _lang_h3
from datamill.modalities import _reason_words_ledger as _ledger
from datamill.modalities import _reason_words_ledger_clerk as _ledger_clerk
from datamill.modalities import _reason_words_ledger_fx as _ledger_fx
from datamill.modalities import _reason_words_ledger_h3 as _ledger_h3
from datamill.modalities import _reason_words_ledger_h5 as _ledger_h5
from datamill.modalities import _reason_words_ledger_h13 as _ledger_h13
from datamill.modalities import _reason_words_licence_h17 as _licence_h17
from datamill.modalities import _reason_words_llm_delivery as _llm_delivery
from datamill.modalities import _reason_words_media as _media
from datamill.modalities import _reason_words_notes_h1 as _notes_h1
from datamill.modalities import _reason_words_ops as _ops
from datamill.modalities import _reason_words_period_h10 as _period_h10
from datamill.modalities import _reason_words_pointcloud_h2 as _pointcloud_h2
from datamill.modalities import _reason_words_pointcloud_h4 as _pointcloud_h4
from datamill.modalities import _reason_words_races_h1 as _races_h1
from datamill.modalities import _reason_words_records as _records
from datamill.modalities import _reason_words_recovery_h10 as _recovery_h10
from datamill.modalities import _reason_words_settle_h4 as _settle_h4
from datamill.modalities import _reason_words_signal as _signal
from datamill.modalities import _reason_words_speech_h2 as _speech_h2
from datamill.modalities import _reason_words_speech_h5 as _speech_h5
from datamill.modalities import _reason_words_speech_h7 as _speech_h7
from datamill.modalities import _reason_words_speech_h12 as _speech_h12
from datamill.modalities import _reason_words_text_h3 as _text_h3
from datamill.modalities import _reason_words_text_h6 as _text_h6
from datamill.modalities import _reason_words_textgrid_h11 as _textgrid_h11
from datamill.modalities import _reason_words_users_h12 as _users_h12
from datamill.modalities import _reason_words_workforce as _workforce
from datamill.modalities import _reason_words_workforce_h5 as _workforce_h5
from datamill.modalities import _reason_words_workforce_h8 as _workforce_h8
from datamill.modalities import _reason_words_workforce_h10 as _workforce_h10
from datamill.modalities import _reason_words_years as _years
from datamill.modalities import _reason_words_zh_h4 as _zh_h4

__all__ = ["AREA_REFUSALS_EN", "AREA_REFUSALS_ZH_CN"]

AREA_REFUSALS_EN: dict[str, str] = {
    **_ledger.LEDGER_REFUSALS_EN,
    **_workforce.WORKFORCE_REFUSALS_EN,
    **_records.RECORD_REFUSALS_EN,
    **_llm_delivery.LLM_DELIVERY_REFUSALS_EN,
    **_media.MEDIA_REFUSALS_EN,
    **_ops.OPS_REFUSALS_EN,
    **_catalog.CATALOG_REFUSALS_EN,
    **_cli.CLI_H2_EN,
    **_erasure.ERASURE_REFUSALS_EN,
    **_ledger_clerk.LEDGER_CLERK_REFUSALS_EN,
    **_cli_h3.LOOKUP_REFUSALS_EN,
    **_period_h10.PERIOD_BUSY_EN,
    **_signal.SIGNAL_REFUSALS_EN,
    **_business_h4.BUSINESS_H4_REFUSALS_EN,
    **_speech_h7.SPEECH_H7_EN,
    **_races_h1.RACE_REFUSALS_EN,
    **_text_h6.TEXT_H6_REFUSALS_EN,
    **_lang_h3.LANG_REFUSALS_EN,
    **_image_h5.IMAGE_H5_REFUSALS_EN,
    **_h9.H9_REFUSALS_EN,
    **_workforce_h8.WORKFORCE_H8_REFUSALS_EN,
    **_ledger_h3.LEDGER_H3_REFUSALS_EN,
    **_recovery_h10.RECOVERY_REFUSALS_EN,
    **_engine_h16.ENGINE_H16_REFUSALS_EN,
    **_delivery_h15.DELIVERY_H15_REFUSALS_EN,
    **_ledger_h13.LEDGER_H13_REFUSALS_EN,
    **_compliance_h6.COMPLIANCE_H6_REFUSALS_EN,
    **_settle_h4.SETTLE_H4_REFUSALS_EN,
    **_crash_h1.CRASH_H1_EN,
    **_export_h11.EXPORT_H11_REFUSALS_EN,
    **_import_h9.IMPORT_H9_REFUSALS_EN,
    **_workforce_h10.WORKFORCE_H10_REFUSALS_EN,
    **_speech_h12.SPEECH_H12_EN,
    **_debt_h15.DEBT_H15_REFUSALS_EN,
    **_import_h16.IMPORT_H16_REFUSALS_EN,
    **_pointcloud_h4.POINTCLOUD_H4_REFUSALS_EN,
    **_speech_h5.SPEECH_H5_REFUSALS_EN,
    **_ledger_fx.LEDGER_FX_REFUSALS_EN,
    **_compliance_h3.COMPLIANCE_H3_REFUSALS_EN,
    **_api_h7.API_H7_REFUSALS_EN,
    **_import_h1.IMPORT_H1_REFUSALS_EN,
    **_textgrid_h11.TEXTGRID_H11_REFUSALS_EN,
    **_acceptance_h9.ACCEPTANCE_H9_EN,
    **_licence_h17.LICENCE_H17_EN,
    **_speech_h2.SPEECH_H2_REFUSALS_EN,
    **_image_h1.IMAGE_H1_REFUSALS_EN,
    **_text_h3.TEXT_H3_EN,
    **_business_r4.BUSINESS_R4_EN,
    **_import_h6.IMPORT_H6_EN,
    **_labelled_h9.LABELLED_H9_EN,
    **_zh_h4.ZH_H4_EN,
    **_workforce_h5.WORKFORCE_H5_EN,
    **_contract_h7.CONTRACT_H7_EN,
    **_pointcloud_h2.POINTCLOUD_H2_EN,
    **_notes_h1.NOTES_H1_EN,
    **_years.YEARS_EN,
    **_users_h12.USERS_H12_EN,
    **_ledger_h5.LEDGER_H5_EN,
}

AREA_REFUSALS_ZH_CN: dict[str, str] = {
    **_ledger.LEDGER_REFUSALS_ZH_CN,
    **_workforce.WORKFORCE_REFUSALS_ZH_CN,
    **_records.RECORD_REFUSALS_ZH_CN,
    **_llm_delivery.LLM_DELIVERY_REFUSALS_ZH_CN,
    **_media.MEDIA_REFUSALS_ZH_CN,
    **_ops.OPS_REFUSALS_ZH_CN,
    **_catalog.CATALOG_REFUSALS_ZH_CN,
    **_cli.CLI_H2_ZH_CN,
    **_erasure.ERASURE_REFUSALS_ZH_CN,
    **_ledger_clerk.LEDGER_CLERK_REFUSALS_ZH_CN,
    **_cli_h3.LOOKUP_REFUSALS_ZH_CN,
    **_period_h10.PERIOD_BUSY_ZH_CN,
    **_signal.SIGNAL_REFUSALS_ZH_CN,
    **_business_h4.BUSINESS_H4_REFUSALS_ZH_CN,
    **_speech_h7.SPEECH_H7_ZH_CN,
    **_races_h1.RACE_REFUSALS_ZH_CN,
    **_text_h6.TEXT_H6_REFUSALS_ZH_CN,
    **_lang_h3.LANG_REFUSALS_ZH_CN,
    **_image_h5.IMAGE_H5_REFUSALS_ZH_CN,
    **_h9.H9_REFUSALS_ZH_CN,
    **_workforce_h8.WORKFORCE_H8_REFUSALS_ZH_CN,
    **_ledger_h3.LEDGER_H3_REFUSALS_ZH_CN,
    **_recovery_h10.RECOVERY_REFUSALS_ZH_CN,
    **_engine_h16.ENGINE_H16_REFUSALS_ZH_CN,
    **_delivery_h15.DELIVERY_H15_REFUSALS_ZH_CN,
    **_ledger_h13.LEDGER_H13_REFUSALS_ZH_CN,
    **_compliance_h6.COMPLIANCE_H6_REFUSALS_ZH_CN,
    **_settle_h4.SETTLE_H4_REFUSALS_ZH_CN,
    **_crash_h1.CRASH_H1_ZH_CN,
    **_export_h11.EXPORT_H11_REFUSALS_ZH_CN,
    **_import_h9.IMPORT_H9_REFUSALS_ZH_CN,
    **_workforce_h10.WORKFORCE_H10_REFUSALS_ZH_CN,
    **_speech_h12.SPEECH_H12_ZH_CN,
    **_debt_h15.DEBT_H15_REFUSALS_ZH_CN,
    **_import_h16.IMPORT_H16_REFUSALS_ZH_CN,
    **_pointcloud_h4.POINTCLOUD_H4_REFUSALS_ZH_CN,
    **_speech_h5.SPEECH_H5_REFUSALS_ZH_CN,
    **_ledger_fx.LEDGER_FX_REFUSALS_ZH_CN,
    **_compliance_h3.COMPLIANCE_H3_REFUSALS_ZH_CN,
    **_api_h7.API_H7_REFUSALS_ZH_CN,
    **_import_h1.IMPORT_H1_REFUSALS_ZH_CN,
    **_textgrid_h11.TEXTGRID_H11_REFUSALS_ZH_CN,
    **_acceptance_h9.ACCEPTANCE_H9_ZH_CN,
    **_licence_h17.LICENCE_H17_ZH_CN,
    **_speech_h2.SPEECH_H2_REFUSALS_ZH_CN,
    **_image_h1.IMAGE_H1_REFUSALS_ZH_CN,
    **_text_h3.TEXT_H3_ZH_CN,
    **_business_r4.BUSINESS_R4_ZH_CN,
    **_import_h6.IMPORT_H6_ZH_CN,
    **_labelled_h9.LABELLED_H9_ZH_CN,
    **_zh_h4.ZH_H4_ZH_CN,
    **_workforce_h5.WORKFORCE_H5_ZH_CN,
    **_contract_h7.CONTRACT_H7_ZH_CN,
    **_pointcloud_h2.POINTCLOUD_H2_ZH_CN,
    **_notes_h1.NOTES_H1_ZH_CN,
    **_years.YEARS_ZH_CN,
    **_users_h12.USERS_H12_ZH_CN,
    **_ledger_h5.LEDGER_H5_ZH_CN,
}
