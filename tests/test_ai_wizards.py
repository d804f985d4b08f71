"""The generative-AI wizards with scripted answers: `ai-workload create -i` and `ai-recommendation create -i`
check each answer with the service's rules as it is given (a wrong one is refused with its reason and asked
again), submit a request the simulator accepts, keep the answers in a draft on Ctrl-C or a refusal, and
offer them again with --resume."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ircli.cli.wizards.genai import as_levels, gpu_instance_labels, recommendation_wizard, workload_wizard
from ircli.lib import genai
from ircli.lib.validation import request_violations
from tests.conftest import CliRunner
from tests.scripted import ScriptedPrompter
from tests.test_wizards import RecordingPrompter, drafted

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"
# Both sources; a token mean of 0, a bad level, a level above the bound and a negative SLA are refused.
WORKLOAD = [
    "Both", "0", "550", "", "150", "", "1,x", "1,4,2000", "1,4,16", "", True, "-5", "500", "",
    "dataset", "not-a-url", "s3://bucket/datasets/chat/", "bad name!", "chat",
]  # fmt: skip
# The model, the workload offered, the goal, two instance types, a framework, optimisation, where, who.
RECOMMENDATION = [
    "s3://bucket/models/llama-3-8b/", "chat", "ttft-ms", "Add", "ml.g5.12xlarge", "Add", "ml.g6e.2xlarge",
    "Done", "VLLM", True, "s3://bucket/out/", "fast", ROLE,
]  # fmt: skip


def patch_prompter(monkeypatch: pytest.MonkeyPatch, prompter: ScriptedPrompter) -> None:
    import ircli.cli.prompts

    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: prompter)


def rejections(prompter: ScriptedPrompter) -> list[str]:
    return [line for line in prompter.log if line.startswith("rejected")]


def test_the_workload_wizard_refuses_what_the_service_refuses_as_it_is_answered() -> None:
    prompter = ScriptedPrompter(WORKLOAD)
    request = workload_wizard(prompter, "generated")
    assert request_violations("CreateAIWorkloadConfig", request) == []
    assert genai.parse_spec(request["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"]) == {
        "benchmark": {"type": "aiperf"},
        "parameters": {
            "prompt_input_tokens_mean": 550,
            "output_tokens_mean": 150,
            "concurrency": [1, 4, 16],
            "streaming": True,
            "ttft_sla_ms": 500.0,
        },
    }
    assert request["DatasetConfig"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"].endswith("chat/")
    refused = rejections(prompter)
    assert len(refused) == 6
    assert "prompt_input_tokens_mean 0 is less than the minimum of 1" in refused[0]
    assert "'1,x' is not a value concurrency takes" in refused[1]
    assert "concurrency 2000 is greater than the maximum of 1024" in refused[2]
    assert "ttft_sla_ms -5.0 is less than the minimum" in refused[3]
    assert "s3://" in refused[4] and "letters, digits and hyphens" in refused[5]


def test_a_dataset_only_workload_asks_no_aiperf_parameter() -> None:
    prompter = ScriptedPrompter(["A dataset", None, "s3://bucket/prompts/", "prompts"])
    request = workload_wizard(prompter, "generated")
    assert "AIWorkloadConfigs" not in request and request_violations("CreateAIWorkloadConfig", request) == []


def test_concurrency_levels_are_one_number_or_a_list() -> None:
    assert as_levels("8") == 8 and as_levels(" 1, 4 ;16") == [1, 4, 16]
    with pytest.raises(ValueError):
        as_levels(" , ")


def test_the_recommendation_wizard_offers_gpu_types_once_each_and_at_most_three() -> None:
    answers = [*RECOMMENDATION]
    at = answers.index("Done")
    answers[at : at + 1] = ["Add", "ml.p5.48xlarge"]  # a third type: the loop ends by itself
    prompter = RecordingPrompter(answers)
    request = recommendation_wizard(prompter, "generated", workloads=["chat"])
    assert request_violations("CreateAIRecommendationJob", request) == []
    assert request["ComputeSpec"]["InstanceTypes"] == ["ml.g5.12xlarge", "ml.g6e.2xlarge", "ml.p5.48xlarge"]
    assert request["PerformanceTarget"] == {"Constraints": [{"Metric": "ttft-ms"}]}
    assert request["InferenceSpecification"] == {"Framework": "VLLM"} and request["OptimizeModel"] is True
    offered = prompter.offered["Instance type (GPUs, GPU memory, on-demand price):"]  # the last offer
    assert not any(label.startswith(("ml.g5.12xlarge ", "ml.g6e.2xlarge ")) for label in offered)
    assert len(offered) == len(gpu_instance_labels()) - 2
    g6e = next(label for label in gpu_instance_labels() if label.startswith("ml.g6e.2xlarge "))
    assert "1 x L40S" in g6e and "$2.28/h" in g6e  # the catalog's GPU and price


def test_no_instance_type_lets_the_service_choose() -> None:
    answers = [a for a in RECOMMENDATION if a not in ("Add", "ml.g5.12xlarge", "ml.g6e.2xlarge")]
    answers[answers.index("Done")] = "Done: let the service choose"
    answers[answers.index("VLLM")] = "(skip)"
    request = recommendation_wizard(ScriptedPrompter(answers), "generated", workloads=["chat"])
    assert "ComputeSpec" not in request and "InferenceSpecification" not in request
    assert request_violations("CreateAIRecommendationJob", request) == []


def test_both_wizards_create_what_they_asked_for_and_the_job_completes(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_prompter(monkeypatch, ScriptedPrompter([*WORKLOAD, "Submit"]))
    assert cli("ai-workload", "create", "--interactive").code == 0
    described = cli("ai-workload", "describe", "chat", "--output", "json").json
    assert genai.parse_spec(described["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"])["parameters"]["concurrency"] == [
        1,
        4,
        16,
    ]
    # A workload name typed that the backend does not have is refused as it is typed.
    answers = [*RECOMMENDATION, "Submit"]
    answers[1:2] = ["Another", "no-such-workload", "chat"]
    prompter = ScriptedPrompter(answers)
    patch_prompter(monkeypatch, prompter)
    assert cli("ai-recommendation", "create", "-i").code == 0
    assert any("no workload configuration no-such-workload" in line for line in rejections(prompter))
    assert cli("ai-recommendation", "wait", "fast").code == 0
    job = cli("ai-recommendation", "describe", "fast", "--output", "json").json
    assert job["AIRecommendationJobStatus"] == "Completed"
    assert {r["DeploymentConfiguration"]["InstanceType"] for r in job["Recommendations"]} <= {
        "ml.g5.12xlarge",
        "ml.g6e.2xlarge",
    }


def test_ctrl_c_keeps_a_draft_that_resume_offers_again(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("ai-workload", "create", "--name", "chat", "--input-tokens-mean", "550").code == 0
    answers = RECOMMENDATION[: RECOMMENDATION.index("s3://bucket/out/")]
    patch_prompter(monkeypatch, ScriptedPrompter([*answers, KeyboardInterrupt]))
    stopped = cli("ai-recommendation", "create", "--interactive", expect=130)
    assert "nothing was sent" in stopped.err
    draft = Path(stopped.err.split("--resume ")[-1].strip())
    kept = yaml.safe_load(draft.read_text())
    assert kept["ComputeSpec"]["InstanceTypes"] == ["ml.g5.12xlarge", "ml.g6e.2xlarge"]
    assert cli("ai-recommendation", "list", "--output", "json").json["AIRecommendationJobs"] == []
    # Resumed: every answer is offered (None accepts it), the instance types among them; then the rest.
    again = ScriptedPrompter([None, None, None, None, None, None, None, None, None, True, "s3://bucket/out/", "fast",
                              ROLE, "Submit"])  # fmt: skip
    patch_prompter(monkeypatch, again)
    assert cli("ai-recommendation", "create", "-i", "--resume", str(draft)).code == 0
    job = cli("ai-recommendation", "describe", "fast", "--output", "json").json
    assert job["ComputeSpec"]["InstanceTypes"] == ["ml.g5.12xlarge", "ml.g6e.2xlarge"]
    assert job["InferenceSpecification"]["Framework"] == "VLLM"


def test_a_workload_draft_resumes_its_aiperf_parameters(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    patch_prompter(monkeypatch, ScriptedPrompter(["Token", "700", "", "200", "", "2,8", KeyboardInterrupt]))
    draft = Path(cli("ai-workload", "create", "-i", expect=130).err.split("--resume ")[-1].strip())
    again = ScriptedPrompter([None, None, None, None, None, None, "", False, "", "long-prompts", "Submit"])
    patch_prompter(monkeypatch, again)
    assert cli("ai-workload", "create", "-i", "--resume", str(draft)).code == 0
    described = cli("ai-workload", "describe", "long-prompts", "--output", "json").json
    parameters = genai.parse_spec(described["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"])["parameters"]
    assert parameters == {
        "prompt_input_tokens_mean": 700,
        "output_tokens_mean": 200,
        "concurrency": [2, 8],
        "streaming": False,
    }


def test_a_name_taken_before_submit_keeps_the_answers(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def take_the_name() -> None:
        assert cli("ai-workload", "create", "--name", "chat", "--output-tokens-mean", "64").code == 0

    prompter = RecordingPrompter([*WORKLOAD, "Submit"], before={"What now?": take_the_name})
    patch_prompter(monkeypatch, prompter)
    refused = cli("ai-workload", "create", "--interactive", expect=254)
    assert "ResourceInUse" in refused.err
    kept = yaml.safe_load(drafted(refused.err).read_text())
    assert kept["AIWorkloadConfigName"] == "chat" and "ai-workload create --interactive --resume" in refused.err


@pytest.mark.parametrize("command", [["ai-workload", "create"], ["ai-recommendation", "create"]])
def test_the_wizards_need_a_terminal(cli: CliRunner, command: list[str]) -> None:
    assert "needs a terminal" in cli(*command, "--interactive", expect=253).err
    assert "--resume continues a wizard" in cli(*command, "--resume", "x.yaml", expect=252).err
