from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field

from langlearn import serializers

from .models import Job, JobStatus, StepStatus


class JobStepProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class JobStepSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=StepStatus.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    ref = serializers.CharField(help_text="Where the step's output is (storage key, article:<id>), if anywhere.")
    note = serializers.CharField(help_text="Why the step was skipped or failed.")
    progress = JobStepProgressSerializer(
        allow_null=True, help_text="How far a long step (an Anki import) has got: items done of total."
    )


class JobResultSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.UUIDField()


class JobSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    current_step = serializers.CharField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=JobStatus.choices, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "current_step",
            "steps",
            "attempts",
            "max_attempts",
            "error",
            "error_code",
            "result",
            "next_attempt_at",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(JobStepSerializer(many=True))
    def get_steps(self, job: Job) -> list[dict[str, Any]]:
        # Step outputs stay internal (LLM text, provider details); the API shows progress and refs.
        return [
            {
                "name": s.get("name"),
                "status": s.get("status"),
                "started_at": s.get("started_at"),
                "finished_at": s.get("finished_at"),
                "ref": s.get("ref") or "",
                "note": s.get("note") or "",
                "progress": s.get("progress"),
            }
            for s in job.steps
        ]

    @extend_schema_field(JobResultSerializer(allow_null=True))
    def get_result(self, job: Job) -> dict[str, Any] | None:
        if not job.result_id:
            return None
        return {"type": job.result_type or job.kind, "id": str(job.result_id)}


class QuotaSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    resets_at = serializers.DateTimeField()
