"""`tagifai-annotate`: tasks out to Label Studio (export, push) and annotations back (pull)."""
