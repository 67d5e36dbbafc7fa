"""zh-CN strings of the listener's page (prompt check), merged into ``i18n_zh.ZH_CN``."""

from __future__ import annotations

__all__ = ["ZH_CN_LISTEN"]

ZH_CN_LISTEN: dict[str, str] = {
    "listen.title": "听音核验",
    "listen.help": "播放音频并阅读提示文本：说话人是否准确朗读了这段文本？",
    "listen.prompt": "提示文本",
    "listen.doubtful": "检查存疑的词",
    "listen.note": "备注（可选）",
    "listen.reads": "朗读的是提示文本",
    "listen.not": "朗读的不是提示文本",
    "listen.next": "听下一条",
    "listen.none": "没有等待听音核验的音频。",
    "listen.ok.passed": "谢谢：该音频将进入标注。",
    "listen.ok.rejected": "谢谢：该音频已剔除。",
}
