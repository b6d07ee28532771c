package dev.glasskey.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.glasskey.oidc.SigningKey;
import dev.glasskey.oidc.SigningKeys;
import dev.glasskey.system.Actor;

/** {@code glasskey keys rotate|list}: the OpenID Connect token signing keys (docs/OPERATIONS.md, key rotation). */
@Command(name = "keys", description = "List or rotate the token signing keys.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.ListKeys.class})
class KeysCommand {

    @Command(name = "rotate", description = "New ES256 and RS256 keys; superseded keys stay published for glasskey.oidc.retired-key-retention.")
    static class Rotate extends ClientCommand.DataDir implements Callable<Integer> {
        @Option(names = "--activate-in", description = "Publish now, sign from this long from now (ISO-8601 duration, e.g. PT1H). Default: PT0S.")
        Duration activateIn = Duration.ZERO;

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(SigningKeys.class).rotate(Actor.CLI, activateIn).forEach(KeysCommand::print);
                }
            });
        }
    }

    @Command(name = "list", description = "List the signing keys and their state.")
    static class ListKeys extends ClientCommand.DataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(SigningKeys.class).list().forEach(KeysCommand::print);
                }
            });
        }
    }

    static void print(SigningKey.View k) {
        System.out.println(k.kid() + "  " + k.algorithm() + "  " + k.state() + "  signs from " + k.activatesAt()
                + (k.supersededAt() == null ? "" : "  superseded " + k.supersededAt())
                + (k.unpublishAt() == null ? "" : "  published until " + k.unpublishAt()));
    }
}
