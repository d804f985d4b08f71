"""The wizards with scripted answers: each answer checked as it is given, a wrong one rejected with its
message and asked again; the review saves YAML that create-job accepts."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
import typer
import yaml

from ircli.cli.wizards import create_job_wizard, endpoint_config_wizard, review, scaling_wizard, set_path
from ircli.lib.validation import request_violations
from tests.conftest import EXAMPLES, CliRunner
from tests.scripted import ScriptedPrompter

ROLE = "arn:aws:iam::123456789012:role/R"


def test_default_job_with_a_rejected_answer() -> None:
    prompter = ScriptedPrompter(
        [
            "Default",
            "Model name",
            "bad model!",
            "churn-model",  # the first model name breaks the pattern
            True,
            "MACHINE_LEARNING",
            "CLASSIFICATION",
            "XGBOOST",
            "1.5.1",
            "xgboost",
            "",
            "",
            "Add an instance type",
            "ml.c5.xlarj",
            "ml.c5.xlarge",
            "OMP_NUM_THREADS=1,2",
            "Add a serverless configuration",
            "2048",
            "500",
            "5",
            "",
            "Done",
            None,
            "",
            ROLE,
            "11",
            "3",
            "",
        ]
    )
    request = create_job_wizard(prompter, "generated-name")
    assert request_violations("CreateInferenceRecommendationsJob", request) == []
    assert request["JobName"] == "generated-name"
    assert request["InputConfig"]["EndpointConfigurations"][1] == {
        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    }
    assert request["InputConfig"]["ResourceLimit"] == {"MaxNumberOfTests": 3}
    rejections = [line for line in prompter.log if line.startswith("rejected")]
    assert len(rejections) == 4
    assert "must be letters, digits and hyphens" in rejections[0] and "[a-zA-Z" not in rejections[0]
    assert "did you mean ml.c5.xlarge" in rejections[1]
    assert "500 is greater than the maximum of 200" in rejections[2]
    assert "11 is greater than the maximum of 10 (load-test guide)" in rejections[3]


def test_advanced_job_checks_the_load_test_rules() -> None:
    prompter = ScriptedPrompter(
        [
            "Advanced",
            "Model package version ARN",
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/m/1",
            False,
            "Add an instance type",
            "ml.g5.xlarge",
            "",
            "Done",
            "load-test",
            "",
            ROLE,
            "",
            "",
            "PHASES",
            "4",
            "1",
            "-1",
            "2",
            "120",
            True,
            "1",
            "0",
            "60",
            "600",
            False,
            "100",
            "",
            "0",
            "1000",
            "P95",
            "100",
            "Stop",
        ]
    )
    request = create_job_wizard(prompter, "unused")
    assert request_violations("CreateInferenceRecommendationsJob", request) == []
    assert request["InputConfig"]["TrafficPattern"]["Phases"] == [
        {"InitialNumberOfUsers": 1, "SpawnRate": 2, "DurationInSeconds": 120},
        {"InitialNumberOfUsers": 1, "SpawnRate": 0, "DurationInSeconds": 600},
    ]
    rejections = [line for line in prompter.log if line.startswith("rejected")]
    assert "4 is greater than the maximum of 3" in rejections[0]
    assert "-1 is less than the minimum of 0" in rejections[1]  # SpawnRate: the model's minimum, no maximum
    assert "60 is less than the minimum of 120" in rejections[2]
    assert "shorter than the longest traffic phase (600 seconds)" in rejections[3]
    assert "0 is less than the minimum of 1" in rejections[4]
    assert request["StoppingConditions"] == {
        "MaxInvocations": 1000,
        "FlatInvocations": "Stop",
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}],
    }


def test_review_saves_yaml_that_create_job_accepts(tmp_path: Path, cli: CliRunner) -> None:
    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    target = tmp_path / "job.yaml"
    target.write_text("old")
    saved, submit = review(
        ScriptedPrompter(["Save to a file", str(tmp_path), str(target), False, str(target), True]),
        "CreateInferenceRecommendationsJob",
        request,
        "x.yaml",
    )
    assert saved == target and submit is False
    assert yaml.safe_load(target.read_text()) == request
    assert [p.name for p in tmp_path.iterdir()] == ["job.yaml"]  # no temporary file left behind
    assert cli("create-job", "--cli-input-yaml", str(target)).code == 0


def test_set_path_builds_lists_and_objects() -> None:
    assert set_path({}, ("A", "B", 1, "C"), 5) == {"A": {"B": [{}, {"C": 5}]}}


def test_endpoint_config_and_scaling_wizards(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml"))
    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    service = RecommenderService(LocalBackend(default_state_dir(os.environ), speed="instant"))
    jobs = service.paginate("ListInferenceRecommendationsJobs", {})["InferenceRecommendationsJobs"]
    job = service.describe_job("distilbert-serverless")
    ranked_first_serverless = [
        r for r in job["InferenceRecommendations"] if "ServerlessConfig" in r["EndpointConfiguration"]
    ]
    assert ranked_first_serverless
    prompter = ScriptedPrompter(["distilbert-serverless", "#", None, None, "distilbert-sentiment", ""])
    request = endpoint_config_wizard(prompter, jobs, service.describe_job)
    assert request["EndpointConfigName"] == "distilbert-serverless-config"
    assert request_violations("CreateEndpointConfig", request) == []
    scaling = scaling_wizard(
        ScriptedPrompter(["distilbert-serverless", "#", "", "100", "5000"]), jobs, service.describe_job
    )
    assert scaling["ScalingPolicyObjective"] == {"MinInvocationsPerMinute": 100, "MaxInvocationsPerMinute": 5000}
    assert "RecommendationId" in scaling and "TargetCpuUtilizationPerCore" not in scaling


def test_interactive_refuses_without_a_terminal(cli: CliRunner) -> None:
    result = cli("create-job", "--interactive", expect=253)
    assert result.code == 253 and "needs a terminal" in result.err


@pytest.mark.parametrize("command", [["endpoint-config", "create"], ["scaling-recommendation"]])
def test_other_wizards_refuse_without_a_terminal(cli: CliRunner, command: list[str]) -> None:
    assert cli(*command, "--interactive", expect=253).code == 253


def test_ctrl_c_keeps_a_draft_and_resume_offers_its_answers(cli: CliRunner, tmp_path: Path) -> None:
    from ircli.cli.commands.create_job import run_wizard
    from ircli.cli.context import CliContext, GlobalOptions
    from ircli.cli.environment import Environment

    err = io.StringIO()
    context = CliContext(
        GlobalOptions(state_dir=tmp_path / "state"), Environment(stdout=io.StringIO(), stderr=err, environ={})
    )
    assert (
        cli(
            "--state-dir", str(tmp_path / "state"), "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")
        ).code
        == 0
    )
    answers = ["Default", "Model name", "churn-xgboost", False, "Done", "xgboost-default", "my-job", KeyboardInterrupt]
    prompter = ScriptedPrompter(answers)
    with pytest.raises(typer.Exit) as stopped:
        run_wizard(context, prompter, None)
    assert stopped.value.exit_code == 130
    # The name already in use was refused as it was typed, on the backend the command talks to.
    assert any("a job named xgboost-default exists already" in line for line in prompter.log)
    draft = tmp_path / "state" / "drafts" / "my-job.yaml"
    assert draft.is_file() and "nothing was sent" in err.getvalue() and f"--resume {draft}" in err.getvalue()
    assert yaml.safe_load(draft.read_text())["InputConfig"]["ModelName"] == "churn-xgboost"
    # Resumed: every earlier answer is the default; accepting them all (None) gives the same request.
    resumed = ScriptedPrompter(
        [None, None, None, False, "Done", None, "", None, "", "", "Save to a file", str(tmp_path / "job.yaml")]
    )
    request, saved, submit = run_wizard(context, resumed, str(draft))
    assert request["JobName"] == "my-job" and request["InputConfig"]["ModelName"] == "churn-xgboost"
    last_job = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    assert request["RoleArn"] == last_job["RoleArn"]  # the role of the newest job, offered
    assert saved == tmp_path / "job.yaml" and not submit


def test_saving_into_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    from ircli.cli.wizards import review

    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    prompter = ScriptedPrompter(["Save to a file", str(tmp_path / "missing" / "x.yaml"), str(tmp_path / "x.yaml")])
    saved, _ = review(prompter, "CreateInferenceRecommendationsJob", request, "x.yaml")
    assert saved == tmp_path / "x.yaml" and not (tmp_path / "missing").exists()
    assert any("does not exist" in line for line in prompter.log)


def test_the_endpoint_config_wizard_offers_the_jobs_model_checks_names_and_keeps_a_draft(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ircli.cli.prompts

    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml")).code == 0
    serverless = next(
        r["RecommendationId"]
        for r in cli("describe-job", "distilbert-serverless", "--output", "json").json["InferenceRecommendations"]
        if "ServerlessConfig" in r["EndpointConfiguration"]
    )
    made = cli(
        "endpoint-config", "create", "--from-recommendation", f"distilbert-serverless/{serverless}",
        "--model-name", "distilbert-sentiment", "--endpoint-config-name", "distilbert-serverless-config",
    )  # fmt: skip
    assert made.code == 0, made.err
    # The job, its first-ranked serverless recommendation, the default name (taken: refused as typed),
    # another name, the default variant and the default model, then Ctrl-C.
    first = ScriptedPrompter(["distilbert-serverless", "#", None, "my-config", None, None, KeyboardInterrupt])
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: first)
    stopped = cli("endpoint-config", "create", "--interactive", expect=130)
    assert stopped.code == 130 and "nothing was sent" in stopped.err
    assert any("an endpoint configuration named distilbert-serverless-config exists already" in x for x in first.log)
    draft_path = stopped.err.split("--resume ")[-1].strip()
    draft = yaml.safe_load(Path(draft_path).read_text())
    assert draft["ProductionVariants"][0]["ModelName"] == "distilbert-sentiment"  # the job's model, offered
    assert draft["WizardPicks"]["Job"] == "distilbert-serverless"
    # Resumed: every pick and answer is offered again; accepting them all submits the same request.
    again = ScriptedPrompter([None, None, None, None, None, "", "Submit"])
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: again)
    resumed = cli("endpoint-config", "create", "--interactive", "--resume", draft_path)
    assert resumed.code == 0, resumed.err
    config = cli("endpoint-config", "describe", "my-config", "--output", "json").json
    assert config["ProductionVariants"][0]["ModelName"] == "distilbert-sentiment"
    assert "ServerlessConfig" in config["ProductionVariants"][0]


def test_the_scaling_wizard_keeps_a_draft_and_resumes_it(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import ircli.cli.prompts

    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    first = ScriptedPrompter(["xgboost-default", "#2", "60", KeyboardInterrupt])
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: first)
    stopped = cli("scaling-recommendation", "--interactive", expect=130)
    assert stopped.code == 130 and "Continue with: ircli scaling-recommendation --interactive --resume" in stopped.err
    draft = stopped.err.split("--resume ")[-1].strip()
    again = ScriptedPrompter([None, None, None, "100", "5000"])
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: again)
    resumed = cli("scaling-recommendation", "--interactive", "--resume", draft, "--output", "json")
    assert resumed.code == 0, resumed.err
    chosen = yaml.safe_load(Path(draft).read_text())
    assert chosen["TargetCpuUtilizationPerCore"] == 60 and chosen["RecommendationId"].startswith("xgboost-default/")


# wizards offer only what the service accepts, and a refusal at the end keeps the answers (issue 18)

ADVANCED = [
    "Advanced", "Model name", "distilbert-sentiment", True, "NATURAL_LANGUAGE_PROCESSING", "(skip)", "(skip)",
    "", "", "", "Add a serverless configuration", "2048", "5", "", "Done",
    "load-test", "", ROLE, "", "", "PHASES", "1", "2", "300", False, "", "1000", "P95", "100", "Stop",
]  # fmt: skip
DEFAULT = [
    "Default", "Model name", "churn-xgboost", True, "MACHINE_LEARNING", "CLASSIFICATION", "XGBOOST", "", "", "", "",
    "Done", "race-job", "", ROLE, "", "",
]  # fmt: skip


class RecordingPrompter(ScriptedPrompter):
    """Also records what each `select` offered."""

    def __init__(self, answers: list[object], before: dict[str, object] | None = None) -> None:
        super().__init__(answers)
        self.offered: dict[str, list[str]] = {}
        self.before = before or {}  # question: something to do just before it is answered

    def select(self, question: str, choices: Sequence[str], *, default: str | None = None) -> str:
        self.offered[question] = list(choices)
        action = self.before.get(question)
        if callable(action):
            action()
        return super().select(question, choices, default=default)


# The wizards' questions that choose a request member, and where the answer goes.
CONTAINER = ("InputConfig", "ContainerConfig")
CHOSEN_MEMBERS = {
    "Domain:": ((*CONTAINER, "Domain"), str),
    "Task:": ((*CONTAINER, "Task"), str),
    "Framework:": ((*CONTAINER, "Framework"), str),
    "Memory (MB):": (("InputConfig", "EndpointConfigurations", 0, "ServerlessConfig", "MemorySizeInMB"), int),
    "Traffic pattern:": (("InputConfig", "TrafficPattern", "TrafficType"), str),
    "Model latency threshold percentile:": (("StoppingConditions", "ModelLatencyThresholds", 0, "Percentile"), str),
    "When invocations flatten:": (("StoppingConditions", "FlatInvocations"), str),
}


def test_the_advanced_wizard_offers_only_the_percentiles_the_service_accepts() -> None:
    from ircli.lib.rules import PERCENTILES

    prompter = RecordingPrompter(ADVANCED)
    create_job_wizard(prompter, "unused")
    assert prompter.offered["Model latency threshold percentile:"] == [*PERCENTILES, "(skip)"]
    assert "P50" not in PERCENTILES and "P90" not in PERCENTILES


@pytest.mark.parametrize("script", [ADVANCED, DEFAULT], ids=["advanced", "default"])
def test_every_value_a_wizard_offers_for_a_member_is_accepted(script: list[object]) -> None:
    import copy

    prompter = RecordingPrompter(script)
    request = create_job_wizard(prompter, "unused")
    checked = 0
    for question, (path, convert) in CHOSEN_MEMBERS.items():
        for choice in prompter.offered.get(question, []):
            if choice == "(skip)":
                continue
            candidate = set_path(copy.deepcopy(request), path, convert(choice))
            # A member the choice calls for (STAIRS: the Stairs) is asked next; anything else is a refusal.
            problems = request_violations("CreateInferenceRecommendationsJob", candidate)
            assert [p for p in problems if p.rule != "required"] == [], (question, choice)
            checked += 1
    assert checked >= (20 if script is ADVANCED else 15)


def test_an_answer_that_breaks_a_rule_with_an_earlier_answer_is_refused_as_it_is_given(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    service = RecommenderService(LocalBackend(default_state_dir(os.environ), speed="instant"))
    jobs = service.paginate("ListInferenceRecommendationsJobs", {})["InferenceRecommendationsJobs"]
    # The minimum, then a maximum below it: refused at the maximum, not by the service after the last answer.
    prompter = ScriptedPrompter(["xgboost-default", "#", "", "5000", "100", "6000"])
    request = scaling_wizard(prompter, jobs, service.describe_job)
    assert request["ScalingPolicyObjective"] == {"MinInvocationsPerMinute": 5000, "MaxInvocationsPerMinute": 6000}
    assert any("5000 is greater than MaxInvocationsPerMinute (100)" in line for line in prompter.log)
    assert request_violations("GetScalingConfigurationRecommendation", request) == []


def drafted(err: str) -> Path:
    """The draft a refusal names, with how to resume it."""
    assert "Your answers are kept in " in err, err
    path = Path(err.split("Your answers are kept in ")[1].split()[0])
    assert f"--interactive --resume {path}" in err
    return path


def test_a_request_refused_at_the_end_keeps_the_answers_in_a_draft(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ircli.cli.prompts
    from ircli.cli.wizards.builder import RequestBuilder

    # Should a rule ever be missed as the answers are given, the review's check still refuses the request,
    # and the twenty answers are not lost with it.
    answers = [*ADVANCED]
    answers[answers.index("1000")] = "99999"  # above the load-test guide's 30000
    with monkeypatch.context() as patched:
        patched.setattr(RequestBuilder, "check", lambda self, path, value: True)
        patched.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: ScriptedPrompter(answers))
        refused = cli("create-job", "--interactive", expect=252)
    assert refused.code == 252 and "99999 is greater than the maximum of 30000" in refused.err
    draft = drafted(refused.err)
    kept = yaml.safe_load(draft.read_text())
    assert kept["JobName"] == "load-test" and kept["StoppingConditions"]["MaxInvocations"] == 99999
    assert kept["InputConfig"]["TrafficPattern"]["Phases"] == [
        {"InitialNumberOfUsers": 1, "SpawnRate": 2, "DurationInSeconds": 300}
    ]
    assert cli("list-jobs", "--output", "json").json["InferenceRecommendationsJobs"] == []  # nothing was sent
    # Resumed: every answer is offered again; only the refused one is given anew.
    again = [None, None, None, True, None, "(skip)", "(skip)", "", "", "", "Add a serverless configuration"]
    again += [None, None, "", "Done", None, "", None, "", "", None, None, None, None, False, "", "30000"]
    again += [None, None, None, "Submit"]
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: ScriptedPrompter(again))
    resumed = cli("create-job", "--interactive", "--resume", str(draft))
    assert resumed.code == 0, resumed.err
    job = cli("describe-job", "load-test", "--output", "json").json
    assert job["StoppingConditions"]["MaxInvocations"] == 30000


def test_a_service_refusal_on_submit_keeps_the_answers_in_a_draft(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ircli.cli.prompts

    # The name was free when typed; another user takes it before Submit: the service refuses the request.
    def take_the_name() -> None:
        taken = cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--job-name", "race-job")
        assert taken.code == 0, taken.err

    prompter = RecordingPrompter([*DEFAULT, "Submit"], before={"What now?": take_the_name})
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: prompter)
    refused = cli("create-job", "--interactive", expect=254)
    assert refused.code == 254 and "ResourceInUse" in refused.err
    draft = drafted(refused.err)
    assert refused.err.index("ResourceInUse") < refused.err.index("Your answers are kept")  # the error first
    kept = yaml.safe_load(draft.read_text())
    assert kept["JobName"] == "race-job" and kept["InputConfig"]["ContainerConfig"]["Framework"] == "XGBOOST"
    # Resumed: the taken name is refused as it is typed; a new one and the rest as they were.
    again = ScriptedPrompter([None, None, None, True, None, None, None, None, None, None, None, "Done", None,
                              "race-job-2", None, None, None, None, "Submit"])  # fmt: skip
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: again)
    resumed = cli("create-job", "--interactive", "--resume", str(draft))
    assert resumed.code == 0, resumed.err
    assert any("a job named race-job exists already" in line for line in again.log)
    described = cli("describe-job", "race-job-2", "--output", "json").json
    assert described["InputConfig"]["ContainerConfig"]["Framework"] == "XGBOOST"


def test_a_wizard_refused_before_any_answer_keeps_no_draft(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import ircli.cli.prompts

    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: ScriptedPrompter([]))
    refused = cli("scaling-recommendation", "--interactive", expect=252)  # no job to pick: nothing was answered
    assert refused.code == 252 and "no COMPLETED job" in refused.err and "Your answers" not in refused.err


def test_skipping_every_container_member_does_not_crash_the_wizard() -> None:
    answers = ["Default", "Model name", "churn-xgboost", True, "(skip)", "(skip)", "(skip)", "", "", "", "Done"]
    request = create_job_wizard(ScriptedPrompter([*answers, "skipped", "", ROLE, "", ""]), "unused")
    assert "ContainerConfig" not in request["InputConfig"]
    assert request_violations("CreateInferenceRecommendationsJob", request) == []


def test_the_endpoint_config_wizard_keeps_a_draft_when_the_service_refuses(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ircli.cli.prompts

    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml")).code == 0
    first = cli("describe-job", "distilbert-serverless", "--output", "json").json["InferenceRecommendations"][0]

    def take_the_name() -> None:
        made = cli(
            "endpoint-config", "create", "--from-recommendation", f"distilbert-serverless/{first['RecommendationId']}",
            "--model-name", "distilbert-sentiment", "--endpoint-config-name", "raced-config",
        )  # fmt: skip
        assert made.code == 0, made.err

    prompter = RecordingPrompter(
        ["distilbert-serverless", "#", "raced-config", None, None, "", "Submit"], before={"What now?": take_the_name}
    )
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: prompter)
    refused = cli("endpoint-config", "create", "--interactive", expect=254)
    assert refused.code == 254, refused.err
    kept = yaml.safe_load(drafted(refused.err).read_text())
    assert kept["EndpointConfigName"] == "raced-config" and kept["WizardPicks"]["Job"] == "distilbert-serverless"
    assert "endpoint-config create --interactive --resume" in refused.err
