"""English strings of the batch's application-effect page (``effect.html``)."""

from __future__ import annotations

__all__ = ["EN_EFFECT"]

EN_EFFECT: dict[str, str] = {
    "eff.title": "Application effect",
    "eff.link": "application effect",
    "eff.intro": "Does the data do what it was made for? A model is evaluated on a sample of the "
                 "batch (speech: a packaged recogniser reads the recordings) or trained and "
                 "tested on it (text classes, LLM preferences, image object labels, point-cloud "
                 "cuboid labels). The items the model disagrees with most "
                 "are listed for a second look; the latest result goes into the delivery's "
                 "datasheet.",
    "eff.run": "Run a verification",
    "eff.sample": "Items to sample",
    "eff.sample_default": "the modality's default",
    "eff.seed": "Seed",
    "eff.submit": "Evaluate",
    "eff.report": "Report",
    "eff.better_lower": "lower is better",
    "eff.better_higher": "higher is better",
    "eff.scored": "{scored} items scored, a sample of {sample} of the batch's {items} (seed {seed})",
    "eff.method": "Model",
    "eff.batch_was": "batch then",
    "eff.baseline.most_frequent_class": "Baseline (always the most frequent class)",
    "eff.baseline.longer_response_wins": "Baseline (the longer response always wins)",
    "eff.model_accuracy": "model accuracy",
    "eff.curve": "Learning curve (share of the training data → {metric})",
    "eff.position": "The response shown first was chosen in {share}% of {pairs} pairwise choices (about 50% when the order is shuffled; far from it, annotators lean on position).",
    "eff.skipped": "Left out",
    "eff.skip.no_transcript": "no transcript",
    "eff.skip.unlabelled": "no label",
    "eff.skip.class_under_2_items": "class with fewer than 2 items",
    "eff.distribution": "Items per error band",
    "eff.by": "By ",
    "eff.group.speaker": "speaker",
    "eff.group.gender": "gender",
    "eff.group.age_band": "age band",
    "eff.group.accent": "accent",
    "eff.group.class": "class",
    "eff.group.chosen_model": "model of the chosen response",
    "eff.objects": "Objects",
    "eff.takes_time_speech": "Speech takes 1 to 4 seconds of CPU a recording; the page waits for it.",
    "eff.group.label": "label",
    "eff.skip.other_objects": "keypoints or text lines",
    "eff.skip.label_under_2_objects": "label with fewer than 2 objects",
    "eff.skip.unreadable": "file unreadable (lost or no longer decodes)",
    "eff.unreadable": "Left out, their file could not be read (restore it, or take the item out of the batch)",
    "eff.skip.tie": "tie",
    "eff.class_f1": "F1",
    "eff.second_look": "For a second look (worst first)",
    "eff.value": "Value",
    "eff.detail": "Detail",
    "eff.reference": "Transcript",
    "eff.model_read": "Model read",
    "eff.labelled": "Labelled {label}; the model says {model}",
    "eff.none_second": "No item stands out.",
    "eff.history": "Verifications of this batch",
    "eff.when": "When",
    "eff.measure": "Measure",
    "eff.none": "None yet.",
    "eff.bad_number": "The sample size and the seed must be whole numbers.",
}
