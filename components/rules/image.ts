import { isImageRef, parseImageRef } from "../registry/image-ref";
import { accept, refuse, rule, type Rule } from "./rule";

/** An image reference `[registry/]repository[:tag][@sha256:digest]`, as `docker pull` takes it. */
export const imageReference: Rule<string> = rule(
  `an image reference like "registry.example.com/web@sha256:<64 hex>"`,
  (value) => {
    if (typeof value !== "string")
      return refuse(`must be an image reference like "registry.example.com/web@sha256:<64 hex>"`);
    const parsed = parseImageRef(value);
    return isImageRef(parsed) ? accept(value) : refuse(parsed.error);
  },
);
