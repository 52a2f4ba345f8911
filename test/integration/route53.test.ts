import { expect } from "chai";
import {
  loadRoute53Reader,
  normalizeRecordName,
  route53Reader,
  Route53SdkModule,
} from "../../integration/route53";

/** A fake `@aws-sdk/client-route-53`: commands record their input; `answer` replies. */
function fakeSdk(answer: (command: string, input: any) => unknown) {
  const sent: { command: string; input: any }[] = [];
  const command = (name: string) =>
    class {
      readonly name = name;
      constructor(readonly input: any) {}
    };
  const sdk: Route53SdkModule = {
    Route53Client: class {
      constructor(readonly config: { region: string }) {}
      async send(cmd: { name: string; input: any }) {
        sent.push({ command: cmd.name, input: cmd.input });
        const reply = answer(cmd.name, cmd.input);
        if (reply instanceof Error) {
          throw reply;
        }
        return reply;
      }
    },
    GetHealthCheckCommand: command("GetHealthCheck"),
    ListResourceRecordSetsCommand: command("ListResourceRecordSets"),
  };
  return { sdk, sent };
}

describe("integration Route 53 reader", () => {
  it("describes a health check, and answers undefined for NoSuchHealthCheck", async () => {
    // GetHealthCheck's HealthCheck.{Id, HealthCheckConfig} and its NoSuchHealthCheck error
    // (Route 53 API Reference, GetHealthCheck Response Elements and Errors, HTTP 404).
    const { sdk, sent } = fakeSdk((_, input) =>
      input.HealthCheckId === "gone"
        ? Object.assign(new Error("No health check"), {
            name: "NoSuchHealthCheck",
            $metadata: { httpStatusCode: 404 },
          })
        : {
            HealthCheck: {
              Id: input.HealthCheckId,
              HealthCheckConfig: {
                Type: "HTTPS",
                FullyQualifiedDomainName: "abc.execute-api.us-east-1.amazonaws.com",
                ResourcePath: "/health",
              },
            },
          },
    );
    const reader = route53Reader(sdk);
    expect(await reader.getHealthCheck("hc-1")).to.deep.equal({
      id: "hc-1",
      type: "HTTPS",
      fqdn: "abc.execute-api.us-east-1.amazonaws.com",
      resourcePath: "/health",
      childHealthChecks: undefined,
    });
    expect(await reader.getHealthCheck("gone")).to.equal(undefined);
    expect(sent.map((s) => s.input)).to.deep.equal([
      { HealthCheckId: "hc-1" },
      { HealthCheckId: "gone" },
    ]);
  });

  it("rethrows other errors (access denied is not 'missing')", async () => {
    // An IAM denial: AccessDenied, HTTP 403 (Route 53 API Reference, Common Errors).
    const { sdk } = fakeSdk(() =>
      Object.assign(new Error("denied"), {
        name: "AccessDenied",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    let caught: unknown;
    await route53Reader(sdk)
      .getHealthCheck("hc")
      .catch((error) => (caught = error));
    expect((caught as Error).name).to.equal("AccessDenied");
  });

  it("lists the records of one name across pages, and stops at the next name", async () => {
    // ListResourceRecordSets pages: ResourceRecordSets, IsTruncated, NextRecordName/Type/
    // Identifier; names end with a dot (Route 53 API Reference, ListResourceRecordSets).
    const pages: Record<string, unknown> = {
      first: {
        ResourceRecordSets: [
          {
            Name: "it.example.com.",
            Type: "A",
            SetIdentifier: "primary",
            Failover: "PRIMARY",
            HealthCheckId: "hc-1",
            AliasTarget: {
              DNSName: "d-1.execute-api.us-east-1.amazonaws.com.",
              EvaluateTargetHealth: true,
            },
          },
        ],
        IsTruncated: true,
        NextRecordName: "it.example.com.",
        NextRecordType: "A",
        NextRecordIdentifier: "secondary",
      },
      second: {
        ResourceRecordSets: [
          {
            Name: "it.example.com.",
            Type: "A",
            SetIdentifier: "secondary",
            Failover: "SECONDARY",
            HealthCheckId: "hc-2",
          },
          { Name: "itz.example.com.", Type: "CNAME" },
        ],
        IsTruncated: true,
        NextRecordName: "j.example.com.",
        NextRecordType: "A",
      },
    };
    const { sdk, sent } = fakeSdk((_, input) =>
      input.StartRecordIdentifier ? pages.second : pages.first,
    );
    const records = await route53Reader(sdk).listRecords("Z1", "IT.example.com.");
    expect(
      records.map((r) => `${r.name} ${r.type} ${r.failover} ${r.healthCheckId}`),
    ).to.deep.equal(["it.example.com A PRIMARY hc-1", "it.example.com A SECONDARY hc-2"]);
    expect(records[0].aliasTarget).to.deep.equal({
      dnsName: "d-1.execute-api.us-east-1.amazonaws.com.",
      evaluateTargetHealth: true,
    });
    expect(sent.map((s) => s.input)).to.deep.equal([
      {
        HostedZoneId: "Z1",
        StartRecordName: "it.example.com",
        StartRecordType: undefined,
        StartRecordIdentifier: undefined,
        MaxItems: 100,
      },
      {
        HostedZoneId: "Z1",
        StartRecordName: "it.example.com.",
        StartRecordType: "A",
        StartRecordIdentifier: "secondary",
        MaxItems: 100,
      },
    ]);
  });

  it("normalizes names as Route 53 returns them", () => {
    expect(normalizeRecordName("\\052.Example.COM.")).to.equal("*.example.com");
    expect(normalizeRecordName("api.example.com")).to.equal("api.example.com");
  });

  it("is built from @aws-sdk/client-route-53 when installed, and undefined when it is not", () => {
    const { sdk } = fakeSdk(() => ({})); // no call is made: only the reader's construction
    const loaded: string[] = [];
    expect(loadRoute53Reader((id) => (loaded.push(id), sdk))).to.have.keys([
      "getHealthCheck",
      "listRecords",
    ]);
    expect(loaded).to.deep.equal(["@aws-sdk/client-route-53"]);
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@aws-sdk/client-route-53'"), {
        code: "MODULE_NOT_FOUND",
      });
    };
    expect(loadRoute53Reader(missing)).to.equal(undefined);
    const broken = () => {
      throw new SyntaxError("bad package");
    };
    expect(() => loadRoute53Reader(broken)).to.throw("bad package");
  });
});
