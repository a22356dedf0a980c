/** Image references and IAM role ARNs, as the bundle files name them. */
import { IMAGE_PLACEHOLDER_PREFIX } from '../types';
import { IssueList, describe, type Segment } from './issues';

export const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
export const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
export const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** The image reference grammar of distribution/reference (`[domain/]path[:tag][@digest]`). */
export const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/** Whether `image` is a syntactically valid Docker image reference. */
export function isValidImageReference(image: string): boolean {
  return image.length <= 255 + 128 + 80 && IMAGE_REFERENCE.test(image);
}

export const EXECUTION_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Whether `s` is an IAM role ARN (`arn:aws:iam::123456789012:role/name`, any partition). */
export function isRoleArn(s: string): boolean {
  return EXECUTION_ROLE_ARN.test(s);
}

export function checkImage(list: IssueList, at: Segment[], image: unknown, label: string): void {
  if (typeof image !== 'string') return; // the schema reports missing / wrong type
  if (image.trim() === '') {
    list.add(at, 'dockerrun/image-missing', `${label} has an empty image; set the image URI (e.g. an ECR repository URI with a tag)`);
  } else if (image.startsWith(IMAGE_PLACEHOLDER_PREFIX)) {
    list.add(
      at,
      'dockerrun/image-placeholder',
      `${label} still has the placeholder image ${describe(image)}; pass the real image URI (\`--image <service>=<uri>\`) or deploy through the CDK stack, which fills in the ECR URI`,
    );
  } else if (!isValidImageReference(image)) {
    list.add(
      at,
      'dockerrun/invalid-image',
      `${label} has image ${describe(image)}, which is not a valid image reference; use [registry/]repository[:tag][@digest] with a lowercase repository and no spaces or unresolved \${...} variables`,
    );
  }
}

