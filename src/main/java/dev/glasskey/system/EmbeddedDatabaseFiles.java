package dev.glasskey.system;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prepares the embedded H2 database's files before anything opens them (issue 14: the data
 * directory 0700 and every file in it 0600 from the very first start): the directory is created
 * owner-only, the database file is created empty and 0600 (H2 starts a new database in an empty
 * file and keeps the permissions it finds, where it would otherwise create it with the process
 * umask, typically 0644), and an existing directory or database file open to other users stops
 * the start ({@link StartupRefusal#OPEN_PERMISSIONS}) unless {@value PrivateFiles#ALLOW_OPEN_PERMISSIONS}.
 *
 * <p>Runs when the {@link DataSource} bean is created, so before Flyway or any other component
 * connects; the command line's contexts go through it too. Does nothing for PostgreSQL or for H2
 * in memory or over TCP.
 */
@Component
class EmbeddedDatabaseFiles implements BeanPostProcessor, EnvironmentAware {
    private Environment environment;
    private boolean prepared;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource && !prepared) {
            prepared = true;
            databaseFile(environment.getProperty("spring.datasource.url", "")).ifPresent(file -> prepare(file,
                    environment.getProperty(PrivateFiles.ALLOW_OPEN_PERMISSIONS, Boolean.class, false)));
        }
        return bean;
    }

    static void prepare(Path databaseFile, boolean allowOpen) {
        Path dir = databaseFile.getParent();
        PrivateFiles.createDirectories(dir);
        PrivateFiles.requireOwnerOnly(dir, "The data directory " + dir, "It holds the database with every key Glasskey signs with, "
                + "and by default the key-encryption key that seals them (master.key).", allowOpen);
        if (!PrivateFiles.createFile(databaseFile)) {
            PrivateFiles.requireOwnerOnly(databaseFile, "The database file " + databaseFile,
                    "It holds every key Glasskey signs with (sealed) and the audit log.", allowOpen);
        }
    }

    /**
     * The {@code .mv.db} file of an embedded H2 file database URL ({@code jdbc:h2:file:/path/name;…}
     * or {@code jdbc:h2:/path/name}), or empty for anything else (PostgreSQL, {@code mem:},
     * {@code tcp:}, {@code ssl:}, H2's other file systems such as {@code nio:} or {@code zip:}).
     */
    static Optional<Path> databaseFile(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String name = url.substring("jdbc:h2:".length());
        int semicolon = name.indexOf(';');
        if (semicolon >= 0) {
            name = name.substring(0, semicolon);
        }
        if (name.toLowerCase(Locale.ROOT).startsWith("file:")) {
            name = name.substring("file:".length());
        } else if (name.matches("^[A-Za-z]{2,}:.*")) {
            return Optional.empty(); // mem:, tcp:, ssl:, zip:, nio:, split:, …
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        if (name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(name + ".mv.db").toAbsolutePath().normalize());
    }
}
