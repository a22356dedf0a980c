/** The Elastic Beanstalk platforms beanstack deploys to: branch names and versions. */

/** The Elastic Beanstalk platform branch: `ecs` runs Dockerrun v2, `docker` a compose file or Dockerrun v1. */
export type BeanstalkPlatform = 'ecs' | 'docker';

/** Platform branch names, as they appear in platform ARNs. */
export const PLATFORM_BRANCHES: Readonly<Record<BeanstalkPlatform, string>> = {
  ecs: 'ECS running on 64bit Amazon Linux 2023',
  docker: 'Docker running on 64bit Amazon Linux 2023',
};

/**
 * Current platform versions (supported-platforms page, AMI 2023.12.20260817). Changing the version is
 * an in-place platform update of the environment (the ARN is `PlatformArn`, not `SolutionStackName`).
 */
export const DEFAULT_PLATFORM_VERSIONS: Readonly<Record<BeanstalkPlatform, string>> = {
  ecs: '4.7.7',
  docker: '4.13.7',
};

/**
 * The first platform versions released after 2026-01-13, which extract a JSON key of a secret
 * (`<arn>:<key>`) into an environment variable; older ones pass the whole JSON document.
 */
export const MIN_JSON_KEY_PLATFORM_VERSIONS: Readonly<Record<BeanstalkPlatform, string>> = {
  ecs: '4.3.2',
  docker: '4.9.1',
};
