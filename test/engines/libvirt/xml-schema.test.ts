/**
 * libvirt's own schema check (virt-xml-validate) on the XML the translators render: every sample
 * the translator tests assert on (test/libvirt/support/xml-samples.ts) and every libvirt file
 * synth writes for the stacks that declare VMs.
 */
import { describe, expect, it } from "vitest";
import { domainXml } from "../../../components/libvirt/domain-xml";
import { synthFiles } from "../../../infra/synth/write";
import { minimalDomain, XML_SAMPLES } from "../../libvirt/support/xml-samples";
import { evaluate } from "../../support/pulumi-harness";
import { needs } from "../support/needs";
import { virtXmlValidate } from "./validate-xml";

needs("virt-xml-validate");

describe("rendered libvirt XML passes virt-xml-validate", () => {
  it.each(Object.entries(XML_SAMPLES))("%s", async (_name, render) => {
    expect(await virtXmlValidate(render())).toMatchObject({ exitCode: 0 });
  });

  it("the validator does reject invalid XML (so the checks above mean something)", async () => {
    const broken = domainXml(minimalDomain).replace(
      "<vcpu placement='static'>1</vcpu>",
      "<vcpu placement='static'>one</vcpu>",
    );
    expect((await virtXmlValidate(broken)).exitCode).not.toBe(0);
  });

  it.each(["test", "prod"])("synth %s: every libvirt file passes", async (stack) => {
    const files = synthFiles(await evaluate(stack));
    const xml = Object.keys(files).filter((name) => name.startsWith("libvirt/"));
    expect(xml).toEqual(expect.arrayContaining(["libvirt/domain-legacy.xml"]));
    for (const name of xml) expect(await virtXmlValidate(files[name]), name).toMatchObject({ exitCode: 0 });
  });
});
