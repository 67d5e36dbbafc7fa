"""zh-CN strings of the speech.tts multi-tier workbench, merged into ``i18n_zh.ZH_CN`` (the
English ones are in ``i18n_tts``)."""

from __future__ import annotations

__all__ = ["ZH_CN_TTS"]

ZH_CN_TTS: dict[str, str] = {
    "tts.title": "TTS 标注",
    "tts.hint": "拖动边界即可移动（相邻区间共用的边界会一起移动）；点击区间或韵律标记将其选中并输入标签；"
                "数字键 1-4 在所选区间末尾设置韵律边界等级（#1 韵律词、#2 韵律短语、#3 语调短语、#4 句末）；"
                "“拆分”把所选区间一分为二，“删除”将其移除（该段时间视为静音）；Ctrl+Enter 提交。",
    "tts.waveform": "波形",
    "tts.spectrogram": "语谱图",
    "tts.tier.words": "词",
    "tts.tier.syllables": "音节",
    "tts.tier.phones": "音素",
    "tts.tier.pos": "词性",
    "tts.tier.stress": "重音",
    "tts.tier.tones": "声调",
    "tts.tier.prosody": "韵律",
    "tts.label": "所选内容的标签",
    "tts.none_selected": "未选中任何内容",
    "tts.source": "边界来源",
    "tts.source.pocketsphinx": "强制对齐（PocketSphinx）：请逐一核对",
    "tts.source.proportional": "按有声段平均分配：请逐一修正",
    "tts.source.manual": "人工",
    "tts.prompt": "提示文本",
    "tts.play": "播放",
    "tts.submit": "提交",
    "tts.submitting": "正在提交…",
    "tts.failed": "提交失败",
    "tts.audio_failed": "浏览器无法解码该音频；层级标注仍可使用。",
    "tts.cmp.phone_accuracy": "音素正确率",
    "tts.cmp.boundary_shift": "边界平均偏移",
    "tts.cmp.prosody_accuracy": "韵律正确率",
    "rv.reason.boundaries": "边界位置不准",
    "rv.reason.phones": "音素错误",
    "rv.reason.prosody": "韵律等级错误",
    "tts.split": "拆分",
    "tts.delete": "删除",
}
