"""What a subject should do about a take the automatic checks refused, per check code
(``clipping``, ``snr`` ...), English and zh-CN: the collection page shows it (its catalogue's
``collect.fix.<code>``, :mod:`datamill.web.i18n_collect`) and the API's answer to an upload
gives it in the caller's language (``advice``: a client read only the English ``reasons``)."""

from __future__ import annotations

__all__ = ["TAKE_ADVICE_EN", "TAKE_ADVICE_ZH_CN", "take_advice"]

TAKE_ADVICE_EN: dict[str, str] = {
    "decodable": "The recording could not be read; please record it again.",
    "format": "The recording is not in the format the project needs; reload the page and record again.",
    "duration": "The recording is too short or too long; read the whole prompt once.",
    "clipping": "Too loud (distorted): move away from the microphone or speak more softly.",
    "level": "Too quiet: move closer to the microphone or speak louder.",
    "snr": "Too much background noise: record in a quieter place.",
    "hum": "A mains hum is audible: check the microphone cable or use another device.",
    "leading_silence": "Wait about half a second after pressing Record before you start reading, and do not wait too long.",
    "trailing_silence": "Wait about half a second after reading before you press Stop, and do not wait too long.",
    "dc_offset": "The microphone gives a distorted signal: try another microphone.",
    "audio_text_consistency": "The recording does not seem to read the prompt: read exactly the text shown, once.",
    'check_failed': "The check of your recording failed on our side (not your recording's fault); please record it again.",
    "quota": "Your speaker group is full: no more recordings are needed from it.",
    "readable": "The recording could not be read; please record it again.",
    "noise_floor": "The room is not quiet enough in the pauses: record in a quieter room, away from fans and traffic.",
    "reverberation": "The room echoes: record in a room with curtains or carpet, or closer to the microphone.",
    "session_level": "This take is much louder or quieter than your others: keep the same distance from the microphone and the same loudness.",
    "prompt_pronounceable": "This prompt is written in a way that cannot be checked (a number or a foreign word); the project will correct it, so record the other prompts first.",
    "dropouts": "Parts of the recording are missing (the sound cut out): close other programs, check the microphone connection, and record again.",
    "speaker_rate": "This take is much faster than your other takes, so it seems to stop before the end of the prompt: read the whole text shown, at your usual pace.",
    "prompt_coverage": "The take seems to stop before the end of the prompt: read the whole text shown, to its last word, and press Stop only after it.",
    'phase': "The two channels cancel each other (one is wired with its polarity flipped): check the microphone cable or the interface's phase switch, or record one channel, and record again.",
    "prompt_overspoken": "The take says more than the prompt: read exactly the text shown, once, and nothing before or after it.",
    "speaker_overspoken": "This take holds many more syllables than the prompt, compared with your other takes: read exactly the text shown, once, and nothing before or after it.",
    "steady_sound": "No voice was heard: the recording is one steady sound (a tone, hum or noise) with no pauses. Check that the page records from your microphone (not a test tone or another input), then read the prompt aloud and record it again.",
}

TAKE_ADVICE_ZH_CN: dict[str, str] = {
    "decodable": "录音无法读取，请重新录制。",
    "format": "录音格式不符合项目要求，请刷新页面后重新录制。",
    "duration": "录音太短或太长，请完整朗读一遍提示语。",
    "clipping": "音量过大（失真）：请离麦克风远一点，或放轻声音。",
    "level": "音量太小：请靠近麦克风，或大声一点。",
    "snr": "背景噪声太大：请换到更安静的地方录音。",
    "hum": "有电流声（工频哼声）：请检查麦克风线缆，或换一台设备。",
    "leading_silence": "按下“录音”后请停顿约半秒再开始朗读，但不要等太久。",
    "trailing_silence": "读完后请停顿约半秒再按“停止”，但不要等太久。",
    "dc_offset": "麦克风信号异常：请换一个麦克风。",
    "audio_text_consistency": "录音似乎没有朗读提示语：请按显示的文字完整朗读一遍。",
    "check_failed": "系统检查录音时出错（不是您录音的问题），请重新录制。",
    "quota": "您所属的说话人组已满，不再需要更多录音。",
    "readable": "录音无法读取，请重新录制。",
    "noise_floor": "停顿时背景噪声太大：请换到更安静的房间录音，远离风扇和马路。",
    "reverberation": "房间回声太大：请换到有窗帘或地毯的房间，或靠近麦克风录音。",
    "session_level": "这条录音比您的其他录音响很多或轻很多：请保持与麦克风相同的距离和相同的音量。",
    "prompt_pronounceable": "这条提示语的写法无法核对（含数字或外文词），项目方会修改；请您先录制其他提示语。",
    "dropouts": "录音中有声音中断（丢音）：请您关闭其他程序、检查麦克风连接后重新录制。",
    "speaker_rate": "这条录音比您的其他录音快很多，似乎没有读完提示语：请按平常的语速完整朗读显示的文字。",
    "prompt_coverage": "录音似乎在提示语结束之前就停止了：请完整朗读显示的文字，读完最后一个字后再点击“停止”。",
    "phase": "两个声道相互抵消（其中一个声道极性接反）：请您检查麦克风线缆或声卡的相位开关，或只录一个声道，然后重新录制。",
    "prompt_overspoken": "录音内容多于提示语：请按显示的文字只朗读一遍，前后不要说别的话。",
    "speaker_overspoken": "与您的其他录音相比，这条录音的音节比提示语多很多：请按显示的文字只朗读一遍，前后不要说别的话。",
    "steady_sound": "录音中没有听到人声：整段是一个持续不变的声音（测试音、电流声或噪声），没有停顿。请确认页面使用的是您的麦克风（而不是测试音或其他输入），然后朗读提示语重新录制。",
}

_ADVICE = {"en": TAKE_ADVICE_EN, "zh-CN": TAKE_ADVICE_ZH_CN}


def take_advice(reasons: list[str], codes: list[str | None], lang: str) -> list[str]:
    """Each refused take's reason (``reasons``, with its check's code in ``codes``) as what to
    do, in ``lang`` (one line per distinct advice, in order); a reason without advice (people's
    words, an unknown check) stays as it is."""
    words = _ADVICE.get(lang, TAKE_ADVICE_EN)
    said: list[str] = []
    for reason, code in zip(reasons, codes, strict=False):
        line = words.get(code, reason) if code else reason
        if line not in said:
            said.append(line)
    return said
